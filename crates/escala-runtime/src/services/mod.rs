//! ECS on the sandbox: each service's tasks as local processes of the chat server ([`tasks`],
//! driven by the emulator's service scheduler), each replication group's endpoint served by a
//! real Redis ([`redis`]), the metrics ECS and ElastiCache publish ([`metrics`]), and
//! Application Auto Scaling's target tracking and schedules acting on the services
//! ([`scaling`]).

pub mod chat;
pub mod metrics;
pub mod redis;
pub mod scaling;
pub mod tasks;

pub use tasks::TaskReport;

//! The chat's container image and the ECR repository it is pushed to, shared by the routes that
//! run the chat in containers: Fargate's tasks, and the EKS demo's pods when the Spec names no
//! image of its own. A stack has at most one of each, under the logical ids in [`ids`].

pub mod ids;
pub mod image;
pub mod repository;

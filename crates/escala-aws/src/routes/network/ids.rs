//! The logical ids of the network's tasks that other tasks, and other routes, name.

pub const VPC: &str = "vpc";
pub const IGW: &str = "igw";
pub const IGW_ATTACHMENT: &str = "igw-attachment";
pub const PUBLIC_RT: &str = "rt-public";

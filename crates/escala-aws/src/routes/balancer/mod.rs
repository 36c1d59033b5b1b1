//! What the routes that serve the web through an Application Load Balancer share: the security
//! groups (the balancer's, open to the internet, and the ones behind it, open to it alone), the
//! balancer across the public subnets, its target group and its HTTP listener. A stack has one
//! route, so each object has one name whichever route makes it, and the kinds register once.

pub mod elb;
pub mod ids;
pub mod listener;
pub mod load_balancer;
pub mod security_group;
pub mod target_group;

//! The `asg` route as tasks: the seed's first case study. So far its security groups; the key
//! pair, launch template, load balancer and the group itself follow on this branch.

mod security_group;

use std::sync::Arc;

use escala_core::asg::AsgSpec;
use escala_core::task::Task;

use crate::context::AwsContext;

pub use security_group::{SecurityGroup, Source};

pub const SG_ALB: &str = "sg-alb";
pub const SG_INSTANCES: &str = "sg-instances";

pub fn tasks(_asg: &AsgSpec) -> Vec<Arc<dyn Task<AwsContext>>> {
    vec![
        Arc::new(SecurityGroup {
            id: SG_ALB.into(),
            description: "The load balancer: HTTP from anywhere".into(),
            source: Source::Anywhere,
        }),
        Arc::new(SecurityGroup {
            id: SG_INSTANCES.into(),
            description: "The instances: HTTP from the load balancer only".into(),
            source: Source::Group(SG_ALB.into()),
        }),
    ]
}

//! The `asg` route as tasks: the seed's first case study. So far its security groups, key pair,
//! launch template, load balancer, the group with its rolling updates, target tracking, step scaling
//! on a CPU alarm, scheduled actions and the warm pool.

mod facts;
mod group;
mod key_pair;
mod launch_template;
mod load_balancer;
mod refresh;
mod scaling;
mod security_group;
mod step;

use std::sync::Arc;

use escala_core::asg::{AsgSpec, Tier, DEFAULT_USER_DATA};
use escala_core::network::ResolvedNetwork;
use escala_core::task::Task;

use crate::context::AwsContext;

pub use facts::{look_up, Facts};
pub use group::{
    delete as delete_group, describe as describe_group, in_service, name as group_name,
    AutoScalingGroup,
};
pub use key_pair::{KeyPair, KeySource};
pub use launch_template::LaunchTemplate;
pub use load_balancer::{delete_load_balancer, front, Listener, LoadBalancer, TargetGroup};
pub use scaling::{Scheduled, TargetTrackingPolicy, WarmPoolTask, TARGET_POLICY, WARM_POOL};
pub use security_group::{SecurityGroup, Source};
pub use step::{alarm, delete_alarm, StepPolicy, STEP_POLICY};

pub const SG_ALB: &str = "sg-alb";
pub const SG_INSTANCES: &str = "sg-instances";
pub const KEY_PAIR: &str = "key-pair";
pub const LAUNCH_TEMPLATE: &str = "launch-template";
pub const LOAD_BALANCER: &str = "alb";
pub const TARGET_GROUP: &str = "target-group";
pub const LISTENER: &str = "listener";
pub const GROUP: &str = "asg";

pub fn tasks(
    asg: &AsgSpec,
    facts: &Facts,
    net: &ResolvedNetwork,
) -> Vec<Arc<dyn Task<AwsContext>>> {
    let template = LaunchTemplate {
        image_id: facts.image_id.clone(),
        instance_type: asg.instance_type.clone(),
        user_data: asg
            .user_data
            .clone()
            .unwrap_or_else(|| DEFAULT_USER_DATA.to_string()),
        key_name: asg.key_pair.as_ref().map(|k| k.name.clone()),
    };
    let revision = template.revision();
    let mut t: Vec<Arc<dyn Task<AwsContext>>> = vec![
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
        Arc::new(template),
        Arc::new(TargetGroup),
        Arc::new(LoadBalancer {
            subnets: net
                .public
                .iter()
                .map(|s| format!("subnet-{}", s.logical_id()))
                .collect(),
        }),
        Arc::new(Listener),
        Arc::new(AutoScalingGroup {
            capacity: asg.capacity,
            subnets: match asg.subnets {
                Tier::Public => &net.public,
                Tier::Private => &net.private,
            }
            .iter()
            .map(|s| format!("subnet-{}", s.logical_id()))
            .collect(),
            grace_seconds: asg.health_check_grace_seconds,
            revision,
            rollout: asg.rollout,
        }),
    ];
    if let Some(tracking) = asg.scaling.target_tracking {
        t.push(Arc::new(TargetTrackingPolicy { tracking }));
    }
    if let Some(step) = asg.scaling.step {
        t.push(Arc::new(StepPolicy { step }));
    }
    if let Some(pool) = asg.scaling.warm_pool {
        t.push(Arc::new(WarmPoolTask {
            min_size: pool.min_size,
        }));
    }
    for action in &asg.scaling.scheduled {
        t.push(Arc::new(Scheduled {
            id: format!("schedule-{}", action.name),
            action: action.clone(),
        }));
    }
    if let Some(key) = &asg.key_pair {
        let source = match (&key.save_private_key_to, &key.public_key_file) {
            (_, Some(public_key)) => KeySource::Import {
                public_key: public_key.clone(),
            },
            (Some(save_to), None) => KeySource::Create {
                save_to: save_to.clone(),
            },
            // Validation requires exactly one of the two.
            (None, None) => unreachable!("validated: a key pair names its source"),
        };
        t.push(Arc::new(KeyPair {
            name: key.name.clone(),
            source,
        }));
    }
    t
}

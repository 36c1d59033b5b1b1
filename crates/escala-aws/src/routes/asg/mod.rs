//! The `asg` route as tasks: the seed's first case study. Its security groups, key pair, launch
//! template, load balancer, the group with its rolling updates, target tracking, step scaling on a
//! CPU alarm, scheduled actions and the warm pool.

mod dashboard;
mod facts;
mod group;
mod ids;
mod key_pair;
mod launch_template;
mod lookup;
mod refresh;
mod schedule;
mod step;
mod target_tracking;
mod warm_pool;

use std::sync::Arc;

use async_trait::async_trait;
use escala_core::kind::Kind;
use escala_core::network::ResolvedNetwork;
use escala_core::routes::asg::{AsgSpec, Tier, DEFAULT_USER_DATA};
use escala_core::routes::Section;
use escala_core::task::Task;
use escala_core::validate::CheckedSpec;

use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::route::{Build, Route, Scaling};
use crate::routes::balancer::ids::SG_ALB;
use crate::routes::balancer::listener::{self, Listener};
use crate::routes::balancer::load_balancer::{self, LoadBalancer};
use crate::routes::balancer::security_group::{self, SecurityGroup, Source, HTTP};
use crate::routes::balancer::target_group::{self, TargetGroup, Targets};
use crate::AwsError;

use facts::Facts;
use group::AutoScalingGroup;
use ids::SG_INSTANCES;
use key_pair::{KeyPair, KeySource};
use launch_template::LaunchTemplate;
use schedule::Scheduled;
use step::StepPolicy;
use target_tracking::TargetTrackingPolicy;
use warm_pool::WarmPool;

pub use dashboard::ids as series;

/// EC2 instances in an Auto Scaling group behind an Application Load Balancer.
#[derive(Debug)]
pub struct Asg;

#[async_trait]
impl Route for Asg {
    fn name(&self) -> &'static str {
        AsgSpec::NAME
    }
    fn summary(&self) -> &'static str {
        "EC2 Auto Scaling groups behind a load balancer, on the network"
    }
    fn kinds(&self) -> &'static [&'static dyn Kind<AwsContext>] {
        &[
            &security_group::SecurityGroupKind,
            &key_pair::KeyPairKind,
            &launch_template::LaunchTemplateKind,
            &target_group::TargetGroupKind,
            &load_balancer::LoadBalancerKind,
            &listener::ListenerKind,
            &group::AutoScalingGroupKind,
            &target_tracking::ScalingPolicyKind,
            &step::AlarmKind,
            &schedule::ScheduledActionKind,
            &warm_pool::WarmPoolKind,
        ]
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            // Planning: the instance type's architecture, and the image to boot.
            Grant::reads(&["ec2:DescribeInstanceTypes", "ec2:DescribeImages"]),
            Grant::new(
                &["ssm:GetParameter"],
                &["arn:aws:ssm:*:*:parameter/aws/service/ami-amazon-linux-latest/*"],
                Scope::Always,
            ),
            // The dashboard.
            Grant::reads(&[
                "cloudwatch:GetMetricData",
                "autoscaling:DescribeScalingActivities",
            ]),
        ];
        GRANTS
    }
    fn service_linked_roles(&self) -> &'static [&'static str] {
        &[
            "autoscaling.amazonaws.com",
            "elasticloadbalancing.amazonaws.com",
        ]
    }
    async fn prepare(&self, ctx: &AwsContext, spec: &CheckedSpec) -> Result<Build, AwsError> {
        let asg = spec
            .spec()
            .route
            .as_ref()
            .and_then(AsgSpec::of)
            .ok_or_else(|| AwsError::Invalid("the Spec has no asg route".into()))?
            .clone();
        let facts = facts::look_up(ctx, &asg).await?;
        Ok(Box::new(move |net| tasks(&asg, &facts, net)))
    }
    fn scaling(&self) -> Option<&'static dyn Scaling> {
        Some(&dashboard::GroupScaling)
    }
}

fn tasks(asg: &AsgSpec, facts: &Facts, net: &ResolvedNetwork) -> Vec<Arc<dyn Task<AwsContext>>> {
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
            port: HTTP,
            source: Source::Anywhere,
        }),
        Arc::new(SecurityGroup {
            id: SG_INSTANCES.into(),
            description: "The instances: HTTP from the load balancer only".into(),
            port: HTTP,
            source: Source::Group(SG_ALB.into()),
        }),
        Arc::new(template),
        Arc::new(TargetGroup {
            targets: Targets::Instance,
            port: HTTP,
            health_check_path: "/".into(),
            sticky: false,
            deregistration_delay_seconds: None,
        }),
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
        t.push(Arc::new(WarmPool {
            min_size: pool.min_size,
        }));
    }
    for action in &asg.scaling.scheduled {
        t.push(Arc::new(Scheduled {
            id: ids::schedule(&action.name),
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

#[cfg(test)]
mod tests {
    use super::*;
    use escala_core::spec::Spec;
    use escala_core::validate::{RegionZones, ValidSpec};

    /// The seed's asg Spec with every optional part on: a key pair, step scaling, a schedule and
    /// a warm pool.
    fn everything() -> ValidSpec {
        let key = std::env::temp_dir().join(format!("escala-kinds-{}.pub", std::process::id()));
        std::fs::write(&key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE test\n").unwrap();
        let yaml = include_str!("../../../../../examples/seed-asg.yaml").replace(
            "    rollout:",
            &format!(
                "    keyPair: {{name: web, publicKeyFile: {}}}\n    rollout:",
                key.display()
            ),
        );
        let mut spec = Spec::from_yaml(&yaml).unwrap();
        let Some(escala_core::spec::RouteSpec::Asg(asg)) = spec.route.as_mut() else {
            unreachable!("the example is the asg route's")
        };
        asg.scaling.step = Some(serde_json::from_str(r#"{"cpuAbove": 85, "add": 2}"#).unwrap());
        asg.scaling.warm_pool = Some(escala_core::routes::asg::WarmPool { min_size: 1 });
        let zones = RegionZones {
            region: "us-east-1".into(),
            zones: vec!["us-east-1a".into(), "us-east-1b".into()],
        };
        let valid = ValidSpec::new(spec, &zones).unwrap_or_else(|e| panic!("{e}"));
        std::fs::remove_file(key).ok();
        valid
    }

    #[test]
    fn every_task_is_of_a_kind_the_route_registers() {
        let valid = everything();
        let asg = valid.spec().route.as_ref().and_then(AsgSpec::of).unwrap();
        let facts = Facts {
            image_id: "ami-0123456789abcdef0".into(),
        };
        let registered: Vec<&str> = Asg.kinds().iter().map(|k| k.name()).collect();
        let tasks = tasks(asg, &facts, valid.network());
        assert!(tasks.len() >= 12, "{tasks:?}");
        for t in tasks {
            assert!(
                registered.contains(&t.kind().name()),
                "{} is a {}, which the asg route doesn't register",
                t.id(),
                t.kind().name()
            );
        }
    }
}

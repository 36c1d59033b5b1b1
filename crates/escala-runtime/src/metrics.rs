//! The metrics AWS publishes, published into the emulator's CloudWatch once per period (one
//! minute: EC2's detailed monitoring, Auto Scaling's group metrics, ALB's), from what really
//! happened in the sandbox, and kept in memory for the alarms.
//!
//! CPU is the workload's busy time over the period against the instance type's vCPUs (see
//! `instances::demo` for the model); request counts and response times are what the load
//! balancers' listeners counted. The ECS services' and the caches' come from
//! `services::metrics`.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_smithy_types::DateTime;

use crate::balancer::health::Health;
use crate::balancer::table::Served;
use crate::balancer::Balancers;
use crate::emulator::Emulator;
use crate::instances::Fleet;
use crate::world::{Place, World};

/// AWS's period for every metric the runtime publishes, in AWS seconds.
pub const PERIOD_SECONDS: u64 = 60;

/// How many periods of each metric the alarms can look back on: AlarmLow's 15 and some.
const KEPT: usize = 32;

/// A metric as alarms name it: namespace, name and dimensions (sorted).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub place: Place,
    pub namespace: String,
    pub name: String,
    pub dimensions: Vec<(String, String)>,
}

/// One published value per period, newest last, with the round it was published in.
#[derive(Debug, Default)]
pub struct Series {
    pub points: HashMap<Key, VecDeque<(u64, f64)>>,
    /// How many periods have been published.
    pub round: u64,
}

impl Series {
    /// The values of the last `n` periods for `key`, oldest first, `None` where nothing was
    /// published (CloudWatch's missing data).
    pub fn last(&self, key: &Key, n: usize) -> Vec<Option<f64>> {
        let points = self.points.get(key);
        (0..n as u64)
            .rev()
            .map(|back| {
                let round = self.round.checked_sub(back)?;
                points?.iter().find(|(r, _)| *r == round).map(|(_, v)| *v)
            })
            .collect()
    }

    fn push(&mut self, key: Key, value: f64) {
        let points = self.points.entry(key).or_default();
        points.push_back((self.round, value));
        while points.len() > KEPT {
            points.pop_front();
        }
    }
}

/// What one instance had done at the last round, to take differences.
#[derive(Debug, Clone, Copy)]
struct Seen {
    busy_micros: u64,
    at: Instant,
}

#[derive(Debug, Default)]
pub struct Publisher {
    seen: HashMap<String, Seen>,
    pub series: Series,
}

pub fn dims(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    v.sort();
    v
}

/// The dimension value CloudWatch names an ELBv2 object by: `app/<name>/<id>`,
/// `targetgroup/<name>/<id>`.
pub fn arn_tail(arn: &str) -> &str {
    arn.splitn(6, ':')
        .nth(5)
        .map(|r| r.trim_start_matches("loadbalancer/"))
        .unwrap_or(arn)
}

impl Publisher {
    /// Works out this period's values, keeps them for the alarms and publishes them, with
    /// `more` (the ECS services' and the caches').
    pub async fn publish(
        &mut self,
        world: &World,
        fleet: &Fleet,
        balancers: &Balancers,
        emulator: &Emulator,
        more: Vec<(Key, f64, StandardUnit)>,
    ) {
        self.series.round += 1;
        let now = Instant::now();
        let mut out: Vec<(Key, f64, StandardUnit)> = Vec::new();
        for group in &world.groups {
            let mut cpus = Vec::new();
            for instance in &group.instances {
                let Some(r) = fleet.running.get(&instance.id) else {
                    continue;
                };
                let busy = r
                    .process
                    .usage
                    .busy_micros
                    .load(std::sync::atomic::Ordering::Relaxed);
                let before = self.seen.insert(
                    instance.id.clone(),
                    Seen {
                        busy_micros: busy,
                        at: now,
                    },
                );
                let Some(before) = before else {
                    continue;
                };
                let wall = now.duration_since(before.at).as_secs_f64();
                if wall <= 0.0 {
                    continue;
                }
                let cpu = ((busy - before.busy_micros) as f64 / 1e6 / (wall * r.vcpus as f64)
                    * 100.0)
                    .min(100.0);
                cpus.push(cpu);
                out.push((
                    key(
                        &group.place,
                        "AWS/EC2",
                        "CPUUtilization",
                        dims(&[("InstanceId", &instance.id)]),
                    ),
                    cpu,
                    StandardUnit::Percent,
                ));
            }
            if !cpus.is_empty() {
                let average = cpus.iter().sum::<f64>() / cpus.len() as f64;
                out.push((
                    key(
                        &group.place,
                        "AWS/EC2",
                        "CPUUtilization",
                        dims(&[("AutoScalingGroupName", &group.name)]),
                    ),
                    average,
                    StandardUnit::Percent,
                ));
            }
            if group.collects_metrics {
                let count = |state: &str| {
                    group
                        .instances
                        .iter()
                        .filter(|i| i.lifecycle == state)
                        .count() as f64
                };
                for (name, value) in [
                    ("GroupMinSize", group.min as f64),
                    ("GroupMaxSize", group.max as f64),
                    ("GroupDesiredCapacity", group.desired as f64),
                    ("GroupInServiceInstances", count("InService")),
                    ("GroupPendingInstances", count("Pending")),
                    ("GroupTerminatingInstances", count("Terminating")),
                    ("GroupTotalInstances", group.instances.len() as f64),
                ] {
                    out.push((
                        key(
                            &group.place,
                            "AWS/AutoScaling",
                            name,
                            dims(&[("AutoScalingGroupName", &group.name)]),
                        ),
                        value,
                        StandardUnit::None,
                    ));
                }
            }
        }
        self.seen.retain(|id, _| fleet.running.contains_key(id));
        self.balancer_metrics(world, balancers, &mut out);
        out.extend(more);
        for (key, value, _) in &out {
            self.series.push(key.clone(), *value);
        }
        send(emulator, out).await;
    }

    fn balancer_metrics(
        &self,
        world: &World,
        balancers: &Balancers,
        out: &mut Vec<(Key, f64, StandardUnit)>,
    ) {
        let served = balancers.counters.take();
        for lb in &world.load_balancers {
            let lb_dim = arn_tail(&lb.arn);
            let mut total = Served::default();
            for tg in world
                .target_groups
                .iter()
                .filter(|t| t.load_balancers.contains(&lb.arn))
            {
                let s = served
                    .get(&(lb.arn.clone(), tg.arn.clone()))
                    .cloned()
                    .unwrap_or_default();
                let tg_dim = arn_tail(&tg.arn);
                let healthy = tg
                    .targets
                    .iter()
                    .filter(|t| balancers.health(&tg.arn, &t.id) == Some(Health::Healthy))
                    .count();
                let both = dims(&[("LoadBalancer", lb_dim), ("TargetGroup", tg_dim)]);
                let per_target = s.requests as f64 / healthy.max(1) as f64;
                for (name, value, unit, dimensions) in [
                    (
                        "RequestCount",
                        s.requests as f64,
                        StandardUnit::Count,
                        both.clone(),
                    ),
                    (
                        "HTTPCode_Target_2XX_Count",
                        s.target_2xx as f64,
                        StandardUnit::Count,
                        both.clone(),
                    ),
                    (
                        "HealthyHostCount",
                        healthy as f64,
                        StandardUnit::Count,
                        both.clone(),
                    ),
                    (
                        "UnHealthyHostCount",
                        (tg.targets.len() - healthy) as f64,
                        StandardUnit::Count,
                        both.clone(),
                    ),
                    (
                        "RequestCountPerTarget",
                        per_target,
                        StandardUnit::Count,
                        dims(&[("TargetGroup", tg_dim)]),
                    ),
                    (
                        "RequestCountPerTarget",
                        per_target,
                        StandardUnit::Count,
                        both.clone(),
                    ),
                ] {
                    out.push((
                        key(&lb.place, "AWS/ApplicationELB", name, dimensions),
                        value,
                        unit,
                    ));
                }
                if s.requests > 0 {
                    let average = s.response_seconds / s.requests as f64;
                    out.push((
                        key(&lb.place, "AWS/ApplicationELB", "TargetResponseTime", both),
                        average,
                        StandardUnit::Seconds,
                    ));
                }
                total.requests += s.requests;
                total.target_2xx += s.target_2xx;
                total.elb_5xx += s.elb_5xx;
                total.response_seconds += s.response_seconds;
            }
            let lb_only = dims(&[("LoadBalancer", lb_dim)]);
            // AWS publishes the response time per load balancer too, over all its groups.
            if total.requests > 0 {
                out.push((
                    key(
                        &lb.place,
                        "AWS/ApplicationELB",
                        "TargetResponseTime",
                        lb_only.clone(),
                    ),
                    total.response_seconds / total.requests as f64,
                    StandardUnit::Seconds,
                ));
            }
            for (name, value) in [
                ("RequestCount", total.requests as f64),
                ("HTTPCode_Target_2XX_Count", total.target_2xx as f64),
                ("HTTPCode_ELB_5XX_Count", total.elb_5xx as f64),
            ] {
                out.push((
                    key(&lb.place, "AWS/ApplicationELB", name, lb_only.clone()),
                    value,
                    StandardUnit::Count,
                ));
            }
            if total.requests > 0 {
                out.push((
                    key(
                        &lb.place,
                        "AWS/ApplicationELB",
                        "TargetResponseTime",
                        lb_only,
                    ),
                    total.response_seconds / total.requests as f64,
                    StandardUnit::Seconds,
                ));
            }
        }
    }
}

pub fn key(place: &Place, namespace: &str, name: &str, dimensions: Vec<(String, String)>) -> Key {
    Key {
        place: place.clone(),
        namespace: namespace.into(),
        name: name.into(),
        dimensions,
    }
}

/// PutMetricData, one call per region and namespace (at most 1,000 values each, as AWS takes).
async fn send(emulator: &Emulator, out: Vec<(Key, f64, StandardUnit)>) {
    let mut by: HashMap<(Place, String), Vec<MetricDatum>> = HashMap::new();
    let now = DateTime::from(std::time::SystemTime::now());
    for (key, value, unit) in out {
        let datum = MetricDatum::builder()
            .metric_name(&key.name)
            .set_dimensions(Some(
                key.dimensions
                    .iter()
                    .map(|(n, v)| Dimension::builder().name(n).value(v).build())
                    .collect(),
            ))
            .value(value)
            .unit(unit)
            .timestamp(now)
            .build();
        by.entry((key.place, key.namespace))
            .or_default()
            .push(datum);
    }
    for ((place, namespace), data) in by {
        let Ok(clients) = emulator.clients(&place).await else {
            continue;
        };
        for chunk in data.chunks(1000) {
            if let Err(e) = clients
                .cloudwatch
                .put_metric_data()
                .namespace(&namespace)
                .set_metric_data(Some(chunk.to_vec()))
                .send()
                .await
            {
                tracing::debug!(error = %e, "publishing metrics");
            }
        }
    }
}

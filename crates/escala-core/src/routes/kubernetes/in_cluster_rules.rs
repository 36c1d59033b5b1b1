//! The rules of what runs inside the cluster: cluster-autoscaler's settings, the demo and its HPA,
//! and the gp3 storage. Every provider checks them the same way.

use super::in_cluster::{ClusterAutoscaler, Demo, DemoApp, Storage};
use super::rule::KubernetesRule;

/// gp3's limits (Amazon EC2 API reference, CreateVolume): size, IOPS, throughput, and the
/// ratios that tie them.
const GP3_GIB: std::ops::RangeInclusive<u32> = 1..=16_384;
const GP3_IOPS: std::ops::RangeInclusive<u32> = 3_000..=16_000;
const GP3_THROUGHPUT: std::ops::RangeInclusive<u32> = 125..=1_000;
const GP3_IOPS_PER_GIB: u32 = 500;
/// At most 0.25 MiB/s per provisioned IOPS: 4 IOPS per MiB/s.
const GP3_IOPS_PER_MIBPS: u32 = 4;
/// The HPA's replicas: Escala caps them as it caps a group's instances.
const MAX_REPLICAS: u32 = 100;

pub(super) fn check(
    autoscaler: &ClusterAutoscaler,
    demo: &Demo,
    storage: &Storage,
    fail: &mut impl FnMut(KubernetesRule, &str, String),
) {
    autoscaler_problems(autoscaler, fail);
    demo_problems(demo, fail);
    storage_problems(storage, fail);
}

fn autoscaler_problems(
    ca: &ClusterAutoscaler,
    fail: &mut impl FnMut(KubernetesRule, &str, String),
) {
    if !ca.enabled {
        return;
    }
    match &ca.image {
        None => fail(
            KubernetesRule::ClusterAutoscaler,
            "clusterAutoscaler.image",
            "cluster-autoscaler needs its image: its release for the cluster's minor (autoscaling/cluster-autoscaler:v1.35.0 for 1.35) as your registry serves it, or enabled: false".into(),
        ),
        Some(image) if !valid_image(image) => fail(
            KubernetesRule::ClusterAutoscaler,
            "clusterAutoscaler.image",
            format!("'{image}' is not an image reference like name:tag or host/name@sha256:…"),
        ),
        _ => {}
    }
    if !(1..=1440).contains(&ca.scale_down_unneeded_minutes) {
        fail(
            KubernetesRule::ClusterAutoscaler,
            "clusterAutoscaler.scaleDownUnneededMinutes",
            format!(
                "{} minutes: a node is removed after 1 to 1440 minutes (a day) underused",
                ca.scale_down_unneeded_minutes
            ),
        );
    }
    if !(1..=100).contains(&ca.scale_down_utilization_percent) {
        fail(
            KubernetesRule::ClusterAutoscaler,
            "clusterAutoscaler.scaleDownUtilizationPercent",
            format!(
                "{} %: a node counts as underused below 1 to 100 % of its CPU and memory requested",
                ca.scale_down_utilization_percent
            ),
        );
    }
}

fn demo_problems(demo: &Demo, fail: &mut impl FnMut(KubernetesRule, &str, String)) {
    if demo.app == DemoApp::None {
        return;
    }
    match &demo.image {
        None if demo.app == DemoApp::PhpApache => fail(
            KubernetesRule::Demo,
            "demo.image",
            "php-apache needs its image: name the seed's hpa-example image as your registry serves it, or use app: chat, which runs Escala's own".into(),
        ),
        Some(image) if !valid_image(image) => fail(
            KubernetesRule::Demo,
            "demo.image",
            format!("'{image}' is not an image reference like name:tag or host/name@sha256:…"),
        ),
        _ => {}
    }
    let Demo {
        replicas,
        target_cpu,
        cpu_millis,
        ..
    } = demo;
    if replicas.min == 0 || replicas.min > replicas.max || replicas.max > MAX_REPLICAS {
        fail(
            KubernetesRule::Demo,
            "demo.replicas",
            format!(
                "min {} … max {}: the HPA keeps 1 ≤ min ≤ max ≤ {MAX_REPLICAS} pods",
                replicas.min, replicas.max
            ),
        );
    }
    if !(1..=100).contains(target_cpu) {
        fail(
            KubernetesRule::Demo,
            "demo.targetCpu",
            format!("{target_cpu} %: the HPA's target is 1 to 100 % of each pod's CPU request"),
        );
    }
    if !(10..=16_000).contains(cpu_millis) {
        fail(
            KubernetesRule::Demo,
            "demo.cpuMillis",
            format!("{cpu_millis}m: a pod's CPU request is 10m to 16000m (16 vCPUs)"),
        );
    }
}

fn storage_problems(storage: &Storage, fail: &mut impl FnMut(KubernetesRule, &str, String)) {
    let Storage {
        claim_gib,
        iops,
        throughput_mibps,
    } = *storage;
    if let Some(gib) = claim_gib {
        if !GP3_GIB.contains(&gib) {
            fail(
                KubernetesRule::Storage,
                "storage.claimGib",
                format!("{gib} GiB: a gp3 volume is 1 to 16384 GiB (16 TiB)"),
            );
        } else if iops > gib.saturating_mul(GP3_IOPS_PER_GIB).max(*GP3_IOPS.start()) {
            fail(
                KubernetesRule::Storage,
                "storage.iops",
                format!(
                    "{iops} IOPS on {gib} GiB: gp3 gives at most {GP3_IOPS_PER_GIB} IOPS per GiB, so ask for {} GiB or fewer IOPS",
                    iops.div_ceil(GP3_IOPS_PER_GIB)
                ),
            );
        }
    }
    if !GP3_IOPS.contains(&iops) {
        fail(
            KubernetesRule::Storage,
            "storage.iops",
            format!("{iops} IOPS: gp3 provisions 3000 to 16000"),
        );
    }
    if !GP3_THROUGHPUT.contains(&throughput_mibps) {
        fail(
            KubernetesRule::Storage,
            "storage.throughputMibps",
            format!("{throughput_mibps} MiB/s: gp3 provisions 125 to 1000"),
        );
    } else if throughput_mibps * GP3_IOPS_PER_MIBPS > iops {
        fail(
            KubernetesRule::Storage,
            "storage.throughputMibps",
            format!(
                "{throughput_mibps} MiB/s on {iops} IOPS: gp3 gives at most 0.25 MiB/s per IOPS, so ask for {} IOPS or less throughput",
                throughput_mibps * GP3_IOPS_PER_MIBPS
            ),
        );
    }
}

/// An OCI image reference's shape: a path of lowercase components, then a tag or a digest. The
/// registry checks the rest when the pods pull it.
fn valid_image(image: &str) -> bool {
    let (name, _reference) = match image.split_once('@') {
        Some((name, digest)) => {
            let Some(hex) = digest.strip_prefix("sha256:") else {
                return false;
            };
            if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return false;
            }
            (name, digest)
        }
        None => match image.rsplit_once(':') {
            // A colon after the last slash is a tag's; before it, a host's port.
            Some((name, tag)) if !tag.contains('/') => {
                let tag_ok = !tag.is_empty()
                    && tag.len() <= 128
                    && tag
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
                if !tag_ok {
                    return false;
                }
                (name, tag)
            }
            _ => (image, ""),
        },
    };
    !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-:".contains(&b))
        })
}

//! The EBS CSI driver: a claim of its StorageClass gets an EBS volume in the emulator, made in
//! the zone of the node its pod runs on (`WaitForFirstConsumer`), with the class's type, IOPS,
//! throughput and encryption and the driver's tags, and a PersistentVolume pre-bound to the claim;
//! a volume whose claim was deleted is deleted with its PersistentVolume. The tags are the ones
//! the driver puts, so a teardown that can't reach the cluster still finds the volume.

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification, VolumeType};
use escala_kube::play::{self, ClaimView, PodView};

use super::nodes::Nodes;
use super::round::Round;
use crate::world::KubeCluster;
use crate::RuntimeError;

pub async fn round(
    r: Round<'_>,
    cluster: &KubeCluster,
    nodes: &Nodes,
    pods: &[PodView],
) -> Result<(), RuntimeError> {
    let claims = play::waiting_claims(r.kube).await?;
    let released = play::released(r.kube).await?;
    if claims.is_empty() && released.is_empty() {
        return Ok(());
    }
    let ec2 = r.emulator.clients(&cluster.place).await?.ec2;
    for claim in &claims {
        let node = claim.selected_node.clone().or_else(|| {
            pods.iter()
                .find(|p| p.namespace == claim.namespace && p.claims.contains(&claim.name))
                .and_then(|p| p.node.clone())
        });
        let zone = node
            .and_then(|n| nodes.joined().find(|j| j.spec.name == n))
            .and_then(|j| j.spec.labels.get("topology.kubernetes.io/zone").cloned());
        // No pod of it on a node yet: the class waits for its first consumer.
        let Some(zone) = zone else { continue };
        let volume = match existing(&ec2, claim).await? {
            Some(id) => id,
            None => create(&ec2, cluster, claim, &zone).await?,
        };
        play::provide(r.kube, claim, &volume, &zone).await?;
        tracing::info!(cluster = %cluster.name, claim = %claim.name, %volume, "the EBS CSI driver provided a volume");
    }
    for (name, volume) in released {
        match ec2.delete_volume().volume_id(&volume).send().await {
            Ok(_) => {}
            Err(e)
                if e.as_service_error().and_then(|s| s.meta().code())
                    == Some("InvalidVolume.NotFound") => {}
            Err(e) => return Err(ec2_error("deleting", &volume, e)),
        }
        play::remove_volume(r.kube, &name).await?;
    }
    Ok(())
}

/// The volume an earlier round (or runtime) made for the claim, found by the driver's tag.
async fn existing(
    ec2: &aws_sdk_ec2::Client,
    claim: &ClaimView,
) -> Result<Option<String>, RuntimeError> {
    let out = ec2
        .describe_volumes()
        .filters(
            Filter::builder()
                .name("tag:CSIVolumeName")
                .values(claim.volume_name())
                .build(),
        )
        .send()
        .await
        .map_err(|e| ec2_error("finding", &claim.volume_name(), e))?;
    Ok(out
        .volumes()
        .first()
        .and_then(|v| v.volume_id().map(str::to_string)))
}

async fn create(
    ec2: &aws_sdk_ec2::Client,
    cluster: &KubeCluster,
    claim: &ClaimView,
    zone: &str,
) -> Result<String, RuntimeError> {
    let p = &claim.parameters;
    let mut tags = vec![
        ("CSIVolumeName".to_string(), claim.volume_name()),
        ("ebs.csi.aws.com/cluster".into(), "true".into()),
        (
            format!("kubernetes.io/cluster/{}", cluster.name),
            "owned".into(),
        ),
        (
            "kubernetes.io/created-for/pvc/name".into(),
            claim.name.clone(),
        ),
        (
            "kubernetes.io/created-for/pvc/namespace".into(),
            claim.namespace.clone(),
        ),
        (
            "kubernetes.io/created-for/pv/name".into(),
            claim.volume_name(),
        ),
    ];
    // The class's tagSpecification_N parameters, `key=value` each.
    tags.extend(
        p.iter()
            .filter(|(k, _)| k.starts_with("tagSpecification_"))
            .filter_map(|(_, v)| {
                v.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            }),
    );
    let number = |key: &str| p.get(key).and_then(|v| v.parse::<i32>().ok());
    let out = ec2
        .create_volume()
        .availability_zone(zone)
        .size(i32::try_from(claim.gib).unwrap_or(i32::MAX))
        .volume_type(VolumeType::from(
            p.get("type").map_or("gp3", String::as_str),
        ))
        .set_iops(number("iops"))
        .set_throughput(number("throughput"))
        .encrypted(p.get("encrypted").is_some_and(|v| v == "true"))
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Volume)
                .set_tags(Some(
                    tags.into_iter()
                        .map(|(k, v)| Tag::builder().key(k).value(v).build())
                        .collect(),
                ))
                .build(),
        )
        .send()
        .await
        .map_err(|e| ec2_error("creating", &claim.volume_name(), e))?;
    out.volume_id().map(str::to_string).ok_or_else(|| {
        RuntimeError::Emulator(format!("the volume for {} has no id", claim.volume_name()))
    })
}

fn ec2_error<E: std::error::Error + 'static>(
    doing: &str,
    what: &str,
    e: aws_sdk_ec2::error::SdkError<E>,
) -> RuntimeError {
    RuntimeError::Emulator(format!(
        "{doing} the EBS volume {what}: {}",
        aws_sdk_ec2::error::DisplayErrorContext(e)
    ))
}

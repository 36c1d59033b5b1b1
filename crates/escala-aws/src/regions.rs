//! The regions the account can use, each with its available zones, for the wizard's region step.

use aws_config::Region;
use aws_sdk_ec2::types::Filter;
use futures::future::join_all;

use escala_core::validate::RegionZones;

use crate::connect::{sdk_config, Target};
use crate::credentials::KeyringStore;
use crate::sdk::api_error;
use crate::AwsError;

/// Where the region list is asked for; every region answers it the same.
const HOME_REGION: &str = "us-east-1";

/// Every enabled region with its available zones, sorted by name. The zone lookups run at the same
/// time, so the whole list costs two round trips. A region whose zones can't be read is left out
/// rather than shown as unusable.
pub async fn list_regions(
    target: &Target,
    keyring: &KeyringStore,
) -> Result<Vec<RegionZones>, AwsError> {
    let config = sdk_config(target, HOME_REGION, keyring).await?;
    let out = aws_sdk_ec2::Client::new(&config)
        .describe_regions()
        .send()
        .await
        .map_err(|e| api_error("ec2:DescribeRegions", e))?;
    let names: Vec<String> = out
        .regions()
        .iter()
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    let lookups = names.into_iter().map(|name| {
        let ec2 = aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::config::Builder::from(&config)
                .region(Region::new(name.clone()))
                .build(),
        );
        async move {
            let zones = available_zones(&ec2).await.ok()?;
            Some(RegionZones {
                region: name,
                zones,
            })
        }
    });
    let mut regions: Vec<RegionZones> = join_all(lookups)
        .await
        .into_iter()
        .flatten()
        .filter(|r| !r.zones.is_empty())
        .collect();
    regions.sort_by(|a, b| a.region.cmp(&b.region));
    Ok(regions)
}

/// The available zones of the client's region, in name order (local and wavelength zones left out:
/// subnets for high availability belong in real availability zones).
pub(crate) async fn available_zones(ec2: &aws_sdk_ec2::Client) -> Result<Vec<String>, AwsError> {
    let out = ec2
        .describe_availability_zones()
        .filters(Filter::builder().name("state").values("available").build())
        .send()
        .await
        .map_err(|e| api_error("ec2:DescribeAvailabilityZones", e))?;
    let mut zones: Vec<String> = out
        .availability_zones()
        .iter()
        .filter(|z| z.zone_type().is_none_or(|t| t == "availability-zone"))
        .filter_map(|z| z.zone_name().map(str::to_string))
        .collect();
    zones.sort();
    Ok(zones)
}

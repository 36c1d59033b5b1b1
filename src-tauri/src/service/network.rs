//! The region and network steps: regions with their zones, and validation as the user types.

use escala_aws::regions;
use escala_core::cost;
use escala_core::spec::Spec;
use escala_core::validate::{RegionZones, ValidSpec};

use crate::error::AppError;
use crate::state::AppState;
use crate::views::{RegionInfo, SpecCheck};

pub async fn list_regions(state: &AppState) -> Result<Vec<RegionInfo>, AppError> {
    let connected = state.connected()?;
    let found = regions::list_regions(&connected.target, state.keyring()).await?;
    state.remember_regions(&found);
    Ok(found
        .into_iter()
        .map(|r| RegionInfo {
            name: r.region,
            zones: r.zones,
        })
        .collect())
}

/// Every rule at once, against the region's real zones; the resolved network (with computed
/// subnets) and its cost come back when the Spec is valid. After the region step this makes no
/// AWS call, so it can run on every keystroke.
pub async fn check_spec(state: &AppState, spec: Spec) -> Result<SpecCheck, AppError> {
    let region = region_zones(state, &spec).await?;
    Ok(match ValidSpec::new(spec, &region) {
        Ok(valid) => SpecCheck {
            cost: Some(cost::estimate(&valid)),
            network: Some(valid.network().clone()),
            errors: Vec::new(),
        },
        Err(errors) => SpecCheck {
            network: None,
            errors: errors.0,
            cost: None,
        },
    })
}

async fn region_zones(state: &AppState, spec: &Spec) -> Result<RegionZones, AppError> {
    if let Some(known) = state.known_region(&spec.region) {
        return Ok(known);
    }
    // No region yet has no zones: validation then says what is missing.
    if spec.region.trim().is_empty() {
        return Ok(RegionZones {
            region: spec.region.clone(),
            zones: Vec::new(),
        });
    }
    let zones = state
        .stacks
        .session(&state.target()?, spec)
        .await?
        .region_zones()
        .await?;
    state.remember_regions(std::slice::from_ref(&zones));
    Ok(zones)
}

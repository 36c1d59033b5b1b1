//! What an estimate is made of: priced lines, their total, and what they leave out.

use serde::Serialize;

/// One priced line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CostLine {
    /// What the line pays for (`natGateway`, `loadBalancer`, `instances`), so a screen can pick
    /// lines without reading their English names. Each route names its own parts.
    pub part: &'static str,
    pub item: String,
    pub quantity: u32,
    // Prices are finite by construction; specta types f64 as `number | null` (for NaN), u32 as `number`.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub monthly_usd_each: f64,
}

impl CostLine {
    /// A line of `quantity` items at `monthly_each` dollars each, rounded to the cent.
    pub fn new(
        part: &'static str,
        item: impl Into<String>,
        quantity: u32,
        monthly_each: f64,
    ) -> Self {
        Self {
            part,
            item: item.into(),
            quantity,
            monthly_usd_each: round(monthly_each),
        }
    }
}

/// The estimate: fixed monthly costs, and what they leave out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CostEstimate {
    // Prices are finite by construction; specta types f64 as `number | null` (for NaN), u32 as `number`.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub monthly_usd: f64,
    pub lines: Vec<CostLine>,
    pub note: String,
}

/// Dollars to the cent.
pub fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

//! CloudWatch alarms as the runtime evaluates them.

use serde::Deserialize;

use super::Place;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alarm {
    #[serde(flatten)]
    pub place: Place,
    pub name: String,
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<Dimension>,
    pub statistic: Option<String>,
    pub period: u32,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: u32,
    pub threshold: f64,
    pub comparison: String,
    pub treat_missing: String,
    pub actions_enabled: bool,
    pub actions: Vec<String>,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub struct Dimension {
    pub name: String,
    pub value: String,
}

//! What the commands return: small views over the engine's types, shaped for the wizard.

use serde::Serialize;

use escala_core::cost::CostEstimate;
use escala_core::network::ResolvedNetwork;
use escala_core::plan::Plan;
use escala_core::store::{Operation, Place};
use escala_core::validate::ValidationError;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    /// True when the SDK or the keyring would find AWS credentials; the UI preselects Sandbox otherwise.
    pub has_aws_credentials: bool,
    pub connection: Option<Connection>,
}

/// Who the app acts as. Never holds a secret.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub mode: Place,
    pub account: String,
    pub arn: String,
    /// Where the credentials come from, for people: "AWS profile 'dev'".
    pub source: String,
    /// The emulator's address in sandbox mode.
    pub endpoint: Option<String>,
    /// The sandbox's time factor: every period runs this many times faster than on AWS.
    pub speed: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ProfileSource {
    /// Keys Escala saved in the OS keyring.
    Keyring,
    /// A profile of the AWS CLI's files (~/.aws), SSO profiles included.
    AwsConfig,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Profile {
    pub name: String,
    pub source: ProfileSource,
}

/// The deploy user that was made; its secret key went straight to the keyring.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DeployUser {
    pub user_name: String,
    pub user_arn: String,
    pub group_name: String,
    pub policy_arn: String,
    pub access_key_id: String,
    pub profile: String,
    /// The app switches to the new user at once.
    pub connection: Connection,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RegionInfo {
    pub name: String,
    pub zones: Vec<String>,
}

/// A Spec checked against its region: the resolved network and its cost when valid, else every
/// broken rule.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SpecCheck {
    pub network: Option<ResolvedNetwork>,
    pub errors: Vec<ValidationError>,
    pub cost: Option<CostEstimate>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PlanView {
    pub plan: Plan,
    pub cost: CostEstimate,
}

/// How a stack stands, computed by the shell so the UI only draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum StackStatus {
    /// Everything its Spec asks for exists and matches.
    Ready,
    /// It exists but differs from its Spec.
    Drifted,
    /// An apply or destroy was started and never finished (the app closed, crashed or was cancelled).
    Interrupted,
    /// Nothing tagged for it was found where the app is connected.
    Missing,
    /// Not looked up: it lives elsewhere (sandbox vs account) or the app isn't connected.
    Unknown,
}

impl StackStatus {
    /// An unfinished operation matters most (resume or tear down), then a stack with nothing left
    /// in the cloud, then drift.
    pub fn of(pending: Option<Operation>, resources: u32, in_sync: bool) -> Self {
        match (pending, resources, in_sync) {
            (Some(_), _, _) => StackStatus::Interrupted,
            (None, 0, _) => StackStatus::Missing,
            (None, _, true) => StackStatus::Ready,
            (None, _, false) => StackStatus::Drifted,
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StackSummary {
    pub name: String,
    pub region: String,
    pub target: Place,
    pub pending: Option<Operation>,
    pub status: StackStatus,
    pub resources: Option<u32>,
    pub in_sync: Option<bool>,
    /// The route the stack scales its workload with, by name; none for a network only.
    pub route: Option<String>,
    /// Its route scales a group, so the stack has a scaling dashboard.
    pub dashboard: bool,
    /// Its route makes a Kubernetes cluster, which the Stacks screen shows.
    pub cluster: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ExportedSpec {
    pub yaml: String,
    pub path: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfinished_operation_outranks_missing_which_outranks_drift() {
        use StackStatus::*;
        assert_eq!(StackStatus::of(None, 12, true), Ready);
        assert_eq!(StackStatus::of(None, 12, false), Drifted);
        assert_eq!(StackStatus::of(None, 0, false), Missing);
        assert_eq!(
            StackStatus::of(Some(Operation::Apply), 0, false),
            Interrupted
        );
        assert_eq!(
            StackStatus::of(Some(Operation::Destroy), 12, true),
            Interrupted
        );
    }
}

/// The dashboard's time ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ChartRange {
    Hour,
    SixHours,
    Day,
    Week,
}

impl ChartRange {
    /// For file names: `1h`, `6h`, `24h`, `7d`.
    pub fn slug(self) -> &'static str {
        match self {
            ChartRange::Hour => "1h",
            ChartRange::SixHours => "6h",
            ChartRange::Day => "24h",
            ChartRange::Week => "7d",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ChartFormat {
    Svg,
    Png,
}

/// An Auto Scaling group's size now.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    pub in_service: u32,
    /// Where the web app answers from this machine (in the sandbox, a loopback address).
    pub url: Option<String>,
}

/// The Compare screen: the routes' charts on one time axis, and a row of figures each.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CompareView {
    pub svg: String,
    pub rows: Vec<CompareRow>,
}

/// One route's figures on the trace (see `escala_sim::Summary`).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CompareRow {
    pub route: String,
    pub peak: u32,
    // specta types f64 as `number | null` (for NaN); these are always finite.
    #[specta(type = u32)]
    pub lost_percent: f64,
    /// Seconds, or `None` when it never happened in the trace.
    pub time_to_scale_out: Option<u32>,
    pub time_to_scale_in: Option<u32>,
    #[specta(type = u32)]
    pub idle_unit_hours: f64,
    /// US dollars over the trace.
    #[specta(type = u32)]
    pub cost: f64,
}

/// The dashboard: the charts as SVG drawn by Rust, and the group beside them.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DashboardView {
    pub svg: String,
    pub get_metric_data_calls: u32,
    /// `None` when the group is gone (torn down outside Escala).
    pub group: Option<GroupView>,
    pub sandbox: bool,
    /// The route the stack's Spec uses, which names its group (an Auto Scaling group, an ECS
    /// service).
    pub route: String,
    /// What the load panel sends: requests, or chat messages.
    pub load: LoadKind,
}

/// What load makes the stack's workload work (see `escala_aws::route::Load`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum LoadKind {
    Requests,
    Messages,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ExportedChart {
    pub path: String,
}

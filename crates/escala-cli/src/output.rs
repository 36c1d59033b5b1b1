//! Human-readable renderings of plans and reports.

use std::collections::BTreeMap;

use escala_core::cost::CostEstimate;
use escala_core::plan::{Action, Plan};
use escala_core::task::Found;

fn sign(action: Action) -> &'static str {
    match action {
        Action::Create => "+",
        Action::Update => "~",
        Action::Replace => "±",
        Action::Delete => "-",
        Action::NoOp => " ",
    }
}

/// The plan grouped by resource kind, changes only, then the counts and the cost.
pub fn plan(plan: &Plan, region: &str, target: &str, cost: &CostEstimate) -> String {
    let mut out = format!("Plan for stack '{}' in {region} ({target}):\n", plan.stack);
    let mut by_kind: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in plan.changes.iter().filter(|c| c.action != Action::NoOp) {
        let mut line = format!("    {} {:<40} {:?}", sign(c.action), c.id, c.action);
        for f in &c.fields {
            let from = f.from.as_deref().unwrap_or("(none)");
            let to = f.to.as_deref().unwrap_or("(none)");
            line.push_str(&format!(
                "  {}: {from} → {to}{}",
                f.field,
                if f.forces_replace {
                    " (forces replace)"
                } else {
                    ""
                }
            ));
        }
        if let Some(reason) = &c.reason {
            line.push_str(&format!("  ({reason})"));
        }
        by_kind.entry(c.kind.as_str()).or_default().push(line);
    }
    for (kind, lines) in by_kind {
        out.push_str(&format!("  {kind}\n"));
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    let s = plan.summary;
    out.push_str(&format!(
        "{} to create, {} to update, {} to replace, {} to delete, {} unchanged.\n",
        s.create, s.update, s.replace, s.delete, s.unchanged
    ));
    for note in &plan.notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    out.push_str(&cost_text(cost));
    out
}

pub fn cost_text(cost: &CostEstimate) -> String {
    let mut out = format!("Estimated cost: ${:.2}/month", cost.monthly_usd);
    if !cost.lines.is_empty() {
        let items: Vec<String> = cost
            .lines
            .iter()
            .map(|l| format!("{} ×{} at ${:.2}", l.item, l.quantity, l.monthly_usd_each))
            .collect();
        out.push_str(&format!(" ({})", items.join("; ")));
    }
    out.push_str(&format!(". {}\n", cost.note));
    out
}

/// Resources as a table of kind, logical id and cloud id.
pub fn resources(found: &[Found]) -> String {
    let mut out = String::new();
    for f in found {
        out.push_str(&format!(
            "  {:<24} {:<40} {}\n",
            f.kind,
            f.logical_id.as_deref().unwrap_or("(untagged dependent)"),
            f.physical_id
        ));
    }
    out
}

//! Side-by-side figures of two servers run through the same scenarios, as a Markdown table with the ratios
//! and the targets (≥ 3× msgs/s per core, ≤ ⅓ memory per connection).

use crate::stats::{IdleReport, RunReport, StepReport};

pub struct Side {
    pub load: RunReport,
    pub idle: IdleReport,
}

fn best_or_zero(r: &RunReport) -> (f64, f64, f64, f64, f64) {
    match &r.best {
        Some(b) => (
            b.delivered_per_sec,
            b.p99_ms,
            b.server_cores,
            b.delivered_per_core_sec,
            b.cpu_ms_per_1k_msgs,
        ),
        None => (0.0, 0.0, 0.0, 0.0, 0.0),
    }
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}×", a / b)
    } else {
        "n/a".into()
    }
}

/// The highest send rate at which both sides met the objective, with each side's step there. Efficiency grows
/// with load (fixed costs spread over more messages), so per-core figures are only comparable at equal load.
fn common_step<'a>(c: &'a RunReport, b: &'a RunReport) -> Option<(&'a StepReport, &'a StepReport)> {
    let limit = c.p99_limit_ms;
    c.steps
        .iter()
        .filter(|s| s.meets_slo(limit))
        .filter_map(|cs| {
            b.steps
                .iter()
                .find(|bs| bs.target_send_rate == cs.target_send_rate && bs.meets_slo(limit))
                .map(|bs| (cs, bs))
        })
        .max_by(|x, y| x.0.target_send_rate.total_cmp(&y.0.target_send_rate))
}

pub fn markdown(candidate: &Side, baseline: &Side) -> String {
    let (c_rate, c_p99, c_cores, c_per_core, c_cpu) = best_or_zero(&candidate.load);
    let (b_rate, b_p99, b_cores, b_per_core, b_cpu) = best_or_zero(&baseline.load);
    let c_mem = candidate.idle.bytes_per_connection / 1024.0;
    let b_mem = baseline.idle.bytes_per_connection / 1024.0;
    let per_core_ok = b_per_core > 0.0 && c_per_core >= 3.0 * b_per_core;
    let mem_ok = b_mem > 0.0 && c_mem <= b_mem / 3.0;
    let yes_no = |ok: bool| if ok { "met" } else { "NOT met" };
    let limit = candidate.load.p99_limit_ms;
    let cl = &candidate.load.label;
    let bl = &baseline.load.label;
    let mut out = String::new();
    out.push_str(&format!(
        "| figure | {cl} | {bl} | ratio {cl}/{bl} |\n|---|---:|---:|---:|\n"
    ));
    out.push_str(&format!(
        "| delivered msgs/s at p99 < {limit} ms (best step, no loss) | {c_rate:.0} | {b_rate:.0} | {} |\n",
        ratio(c_rate, b_rate)
    ));
    out.push_str(&format!(
        "| p99 at that step (ms) | {c_p99:.1} | {b_p99:.1} | |\n"
    ));
    out.push_str(&format!(
        "| server CPU at that step (cores, 2 instances) | {c_cores:.2} | {b_cores:.2} | |\n"
    ));
    out.push_str(&format!(
        "| delivered msgs/s per server core | {c_per_core:.0} | {b_per_core:.0} | {} |\n",
        ratio(c_per_core, b_per_core)
    ));
    out.push_str(&format!(
        "| server CPU per 1,000 msgs/s (core-ms per s) | {c_cpu:.1} | {b_cpu:.1} | {} |\n",
        ratio(c_cpu, b_cpu)
    ));
    if let Some((cs, bs)) = common_step(&candidate.load, &baseline.load) {
        let rate = cs.target_send_rate;
        out.push_str(&format!(
            "| at equal load ({rate:.0} sends/s, highest rate both met): delivered msgs/s per server core | {:.0} | {:.0} | {} |\n",
            cs.delivered_per_core_sec,
            bs.delivered_per_core_sec,
            ratio(cs.delivered_per_core_sec, bs.delivered_per_core_sec)
        ));
        out.push_str(&format!(
            "| at equal load ({rate:.0} sends/s): server CPU per 1,000 msgs/s (core-ms per s) | {:.1} | {:.1} | {} |\n",
            cs.cpu_ms_per_1k_msgs,
            bs.cpu_ms_per_1k_msgs,
            ratio(cs.cpu_ms_per_1k_msgs, bs.cpu_ms_per_1k_msgs)
        ));
    }
    out.push_str(&format!(
        "| memory per idle connection (KiB, {} conns) | {c_mem:.1} | {b_mem:.1} | {} |\n",
        candidate.idle.connections,
        ratio(c_mem, b_mem)
    ));
    out.push_str(&format!(
        "| connection errors (load / idle) | {} / {} | {} / {} | |\n",
        candidate.load.connect_errors,
        candidate.idle.connect_errors,
        baseline.load.connect_errors,
        baseline.idle.connect_errors
    ));
    out.push_str(&format!(
        "\nTarget ≥ 3× msgs/s per core (best steps): **{}** ({}). Target ≤ ⅓ memory per connection: **{}** ({}).\n",
        yes_no(per_core_ok),
        ratio(c_per_core, b_per_core),
        yes_no(mem_ok),
        ratio(c_mem, b_mem)
    ));
    out
}

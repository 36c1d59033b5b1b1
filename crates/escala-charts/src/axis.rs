//! Value axes: one per unit in a panel, from zero to a round top with round ticks.

use crate::model::Unit;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValueAxis {
    pub unit: Unit,
    pub top: f64,
    pub ticks: Vec<f64>,
}

impl ValueAxis {
    /// Percent is always 0–100 so CPU reads the same in every range; counts and requests leave
    /// a tenth of headroom above their highest value so a line at the peak isn't lost in the border.
    pub(crate) fn new(unit: Unit, max: Option<f64>) -> Self {
        if unit == Unit::Percent {
            return Self {
                unit,
                top: 100.0,
                ticks: vec![0.0, 25.0, 50.0, 75.0, 100.0],
            };
        }
        let empty = if unit == Unit::Seconds { 0.1 } else { 1.0 };
        let want = max.filter(|m| *m > 0.0).map_or(empty, |m| m * 1.1);
        let raw = want / 5.0;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|f| f * magnitude)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        // Instances, hosts and requests come whole: no tick at 0.5. Seconds don't.
        let step = if unit == Unit::Seconds {
            step
        } else {
            step.max(1.0)
        };
        let n = (want / step).ceil() as u32;
        Self {
            unit,
            top: f64::from(n) * step,
            ticks: (0..=n).map(|i| f64::from(i) * step).collect(),
        }
    }

    pub(crate) fn label(&self, v: f64) -> String {
        match self.unit {
            Unit::Percent => format!("{v:.0}%"),
            Unit::Count => format!("{v:.0}"),
            Unit::Requests => compact(v),
            Unit::Seconds if v != 0.0 && v.abs() < 1.0 => format!("{:.0} ms", v * 1e3),
            Unit::Seconds => format!("{v:.1} s"),
        }
    }

    pub(crate) fn title(&self) -> &'static str {
        match self.unit {
            Unit::Percent => "percent",
            Unit::Count => "count",
            Unit::Requests => "requests",
            Unit::Seconds => "seconds",
        }
    }
}

/// 950, 1.5k, 12k, 2.5M: request counts in the few characters an axis label has.
fn compact(v: f64) -> String {
    let (scaled, suffix) = match v.abs() {
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let text = format!("{scaled:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text}{suffix}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn seconds_tick_below_one_and_read_as_milliseconds() {
        let axis = ValueAxis::new(Unit::Seconds, Some(0.004));
        assert!(axis.top < 0.01 && axis.ticks.len() > 2, "{axis:?}");
        assert_eq!(axis.label(0.002), "2 ms");
        assert_eq!(axis.label(0.0), "0.0 s");
        assert_eq!(axis.label(1.5), "1.5 s");
        assert_eq!(ValueAxis::new(Unit::Count, Some(0.004)).top, 1.0);
    }

    use super::*;

    #[test]
    fn percent_is_always_zero_to_a_hundred() {
        let axis = ValueAxis::new(Unit::Percent, Some(12.0));
        assert_eq!(axis.top, 100.0);
        assert_eq!(axis.label(50.0), "50%");
    }

    #[test]
    fn counts_get_whole_ticks_above_their_peak() {
        let axis = ValueAxis::new(Unit::Count, Some(4.0));
        assert_eq!(axis.ticks, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        let empty = ValueAxis::new(Unit::Count, None);
        assert_eq!(empty.ticks, vec![0.0, 1.0]);
    }

    #[test]
    fn requests_get_round_ticks_and_short_labels() {
        let axis = ValueAxis::new(Unit::Requests, Some(9_000.0));
        assert_eq!(axis.ticks, vec![0.0, 2e3, 4e3, 6e3, 8e3, 10e3]);
        assert_eq!(
            [950.0, 1_500.0, 12_000.0, 2.5e6].map(|v| axis.label(v)),
            ["950", "1.5k", "12k", "2.5M"]
        );
    }
}

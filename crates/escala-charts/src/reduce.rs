//! From a series' raw points to the lines worth drawing: the points in range, in time order, cut
//! where samples are missing, and thinned to what the pixels can show.

use crate::model::Point;

/// Whether to thin points to the plot's pixel columns before drawing (off only to measure it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    PerPixelColumn,
    Off,
}

/// The polylines of one series: each a run of samples with no missing period between them.
pub(crate) fn segments(
    points: &[Point],
    from: i64,
    to: i64,
    columns: u32,
    reduction: Reduction,
) -> Vec<Vec<Point>> {
    let points = in_range(points, from, to);
    split_at_gaps(&points)
        .into_iter()
        .map(|run| match reduction {
            Reduction::PerPixelColumn => min_max_per_column(run, from, to, columns),
            Reduction::Off => run.to_vec(),
        })
        .collect()
}

/// Finite samples inside `from..=to`, ascending. CloudWatch answers newest first unless asked
/// otherwise, so order is not assumed; of two samples at one time the later one given wins.
fn in_range(points: &[Point], from: i64, to: i64) -> Vec<Point> {
    let mut kept: Vec<Point> = points
        .iter()
        .filter(|p| p.v.is_finite() && (from..=to).contains(&p.t))
        .copied()
        .collect();
    if !kept.is_sorted_by_key(|p| p.t) {
        kept.sort_by_key(|p| p.t);
    }
    kept.dedup_by(|later, earlier| {
        let same = later.t == earlier.t;
        if same {
            *earlier = *later;
        }
        same
    });
    kept
}

/// Cuts where a step is longer than one and a half periods. The period is the series' shortest
/// step, so 1-minute data missing a minute breaks, and 5-minute data doesn't break every step.
fn split_at_gaps(points: &[Point]) -> Vec<&[Point]> {
    let Some(period) = points.windows(2).map(|w| w[1].t - w[0].t).min() else {
        return if points.is_empty() {
            vec![]
        } else {
            vec![points]
        };
    };
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..points.len() {
        if 2 * (points[i].t - points[i - 1].t) > 3 * period {
            runs.push(&points[start..i]);
            start = i;
        }
    }
    runs.push(&points[start..]);
    runs
}

/// Keeps, per pixel column, the lowest and the highest sample in their time order: a line through
/// them covers the same pixels as one through every sample, and every peak and trough survives.
pub(crate) fn min_max_per_column(run: &[Point], from: i64, to: i64, columns: u32) -> Vec<Point> {
    let span = (to - from).max(1);
    let column = |t: i64| (t - from) * i64::from(columns) / span;
    let mut kept = Vec::with_capacity(run.len().min(2 * columns as usize + 2));
    let mut rest = run;
    while let Some(first) = rest.first() {
        let c = column(first.t);
        let len = rest.iter().take_while(|p| column(p.t) == c).count();
        let (bucket, tail) = rest.split_at(len);
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in bucket.iter().enumerate() {
            if p.v < bucket[lo].v {
                lo = i;
            }
            if p.v > bucket[hi].v {
                hi = i;
            }
        }
        kept.push(bucket[lo.min(hi)]);
        if lo != hi {
            kept.push(bucket[lo.max(hi)]);
        }
        rest = tail;
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(t: i64, v: f64) -> Point {
        Point { t, v }
    }

    /// A week of minutes with noise and two sharp one-minute spikes, one up and one down.
    fn week() -> Vec<Point> {
        let mut seed = 7_u64;
        (0..10_080)
            .map(|i| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let noise = (seed >> 33) as f64 / f64::from(u32::MAX);
                let v = match i {
                    4_321 => 99.5,
                    8_765 => 0.25,
                    _ => 30.0 + 20.0 * noise,
                };
                p(i * 60, v)
            })
            .collect()
    }

    #[test]
    fn reduction_keeps_the_global_max_and_min() {
        let raw = week();
        let (from, to) = (0, 10_080 * 60);
        let lines = segments(&raw, from, to, 900, Reduction::PerPixelColumn);
        assert_eq!(lines.len(), 1);
        let kept = &lines[0];
        assert!(
            kept.len() <= 2 * 900,
            "{} points for 900 columns",
            kept.len()
        );
        let max = kept.iter().map(|p| p.v).fold(f64::MIN, f64::max);
        let min = kept.iter().map(|p| p.v).fold(f64::MAX, f64::min);
        assert_eq!((max, min), (99.5, 0.25));
        assert!(kept.contains(&p(4_321 * 60, 99.5)) && kept.contains(&p(8_765 * 60, 0.25)));
        assert!(kept.windows(2).all(|w| w[0].t < w[1].t), "time order kept");
    }

    #[test]
    fn each_column_keeps_its_own_extremes() {
        // Column width 100 s: the first column holds 3 samples, the second 2.
        let raw = [p(0, 5.0), p(60, 9.0), p(90, 1.0), p(120, 4.0), p(180, 4.0)];
        let kept = min_max_per_column(&raw, 0, 1_000, 10);
        assert_eq!(kept, vec![p(60, 9.0), p(90, 1.0), p(120, 4.0)]);
    }

    #[test]
    fn a_missing_minute_splits_the_line() {
        let raw = [p(0, 1.0), p(60, 2.0), p(180, 3.0), p(240, 4.0)];
        let lines = segments(&raw, 0, 300, 1_000, Reduction::Off);
        assert_eq!(lines, vec![raw[..2].to_vec(), raw[2..].to_vec()]);
    }

    #[test]
    fn five_minute_data_is_one_line() {
        let raw: Vec<Point> = (0..10).map(|i| p(i * 300, 1.0)).collect();
        assert_eq!(segments(&raw, 0, 3_000, 100, Reduction::Off).len(), 1);
    }

    #[test]
    fn out_of_range_unordered_and_nan_samples_are_handled() {
        let raw = [
            p(120, 3.0),
            p(-60, 9.0),
            p(0, 1.0),
            p(60, f64::NAN),
            p(60, 2.0),
            p(999, 9.0),
        ];
        let lines = segments(&raw, 0, 600, 100, Reduction::Off);
        assert_eq!(lines, vec![vec![p(0, 1.0), p(60, 2.0), p(120, 3.0)]]);
    }
}

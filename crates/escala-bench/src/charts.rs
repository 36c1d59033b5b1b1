//! bench-charts: how long the 7-day scaling dashboard takes to render to SVG. Four series of
//! 10,080 one-minute points (average CPU with daily load and spikes, desired and in-service
//! capacity stepping with it, ALB request counts) and the scaling activities a simple policy would
//! have made, rendered N times with points thinned to the pixels, then N times without thinning
//! as the baseline. Target: under 50 ms a render in release.

use std::time::{Duration, Instant};

use escala_charts::{
    render_svg_with, Dashboard, Marker, MarkerKind, Panel, Point, Reduction, Series, Size, Unit,
};

const TARGET: Duration = Duration::from_millis(50);
const SIZE: Size = Size {
    width: 1_200,
    height: 720,
};
const MINUTES: i64 = 7 * 24 * 60;
/// 2026-11-16 00:00 UTC, a Monday.
const FROM: i64 = 1_794_787_200;

/// The command line, as `--help` prints it.
const USAGE: &str = "bench-charts [--runs 20] [--svg PATH (writes the rendered dashboard there)]";

struct Args {
    runs: usize,
    svg: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        runs: 20,
        svg: None,
    };
    let mut flags = escala_bench::flags::Flags::from_env(USAGE);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--runs" => a.runs = flags.value(&flag, "a count"),
            "--svg" => a.svg = Some(flags.value(&flag, "a path")),
            other => flags.fail(&format!("unknown flag {other}")),
        }
    }
    if a.runs == 0 {
        flags.fail("--runs must be at least 1");
    }
    a
}

/// A deterministic noise source, so every run and every machine draws the same week.
struct Noise(u64);

impl Noise {
    /// Uniform in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The week: load follows office hours (weekdays busier), with a few short spikes; a step policy
/// adds an instance after 3 minutes above 70 % and removes one after 20 below 30 %, then waits out
/// a cooldown (10 minutes out, 30 in); instances come in service 3 minutes after they are wanted;
/// CPU is the load spread over the instances in service.
fn week() -> Dashboard {
    let mut noise = Noise(42);
    let (mut cpu, mut desired, mut in_service, mut requests) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut markers = Vec::new();
    let (mut want, mut hot, mut cool, mut cooldown) = (2_i64, 0, 0, 0);
    let mut wanted_at: Vec<i64> = vec![want; 4];
    let mut spike_left = 0;
    for m in 0..MINUTES {
        let t = FROM + m * 60;
        let hour = (m % 1_440) as f64 / 60.0;
        let weekday = (m / 1_440) < 5;
        let office = (-((hour - 14.0) / 3.5).powi(2)).exp() * if weekday { 1.0 } else { 0.4 };
        if spike_left == 0 && noise.next() < 0.000_7 {
            spike_left = 3 + (noise.next() * 8.0) as i64;
        }
        let spike = if spike_left > 0 {
            spike_left -= 1;
            3.0
        } else {
            0.0
        };
        // Load in "instances' worth of CPU".
        let load = 0.6 + 4.5 * office + spike + noise.next() * 0.3;

        wanted_at.push(want);
        let serving = wanted_at[wanted_at.len() - 4];
        let util = (100.0 * load / serving as f64).min(100.0);
        if util > 70.0 {
            (hot, cool) = (hot + 1, 0);
        } else if util < 30.0 {
            (hot, cool) = (0, cool + 1);
        } else {
            (hot, cool) = (0, 0);
        }
        if cooldown > 0 {
            cooldown -= 1;
        } else if hot >= 3 && want < 12 {
            (want, hot, cooldown) = (want + 1, 0, 10);
            markers.push(marker(t, &format!("+1 → {want}"), MarkerKind::ScaleOut));
        } else if cool >= 20 && want > 2 {
            (want, cool, cooldown) = (want - 1, 0, 30);
            markers.push(marker(t, &format!("−1 → {want}"), MarkerKind::ScaleIn));
        }

        cpu.push(Point { t, v: util });
        desired.push(Point { t, v: want as f64 });
        in_service.push(Point {
            t,
            v: serving as f64,
        });
        requests.push(Point {
            t,
            v: (load * 900.0 * (0.9 + 0.2 * noise.next())).round(),
        });
    }
    markers.push(marker(
        FROM + 3 * 1_440 * 60 + 10 * 3_600,
        "Instance refresh",
        MarkerKind::Refresh,
    ));
    // Four series of 10,080 points, laid out as the asg route's dashboard is.
    let panels = vec![
        Panel::new(
            "CPU",
            vec![Series::new("cpu", "Average CPU", Unit::Percent, cpu)],
        ),
        Panel::new(
            "Capacity",
            vec![
                Series::new("desired", "Desired", Unit::Count, desired),
                Series::new("in-service", "In service", Unit::Count, in_service),
            ],
        ),
        Panel::new(
            "Load balancer",
            vec![Series::new(
                "requests",
                "Requests",
                Unit::Requests,
                requests,
            )],
        ),
    ];
    Dashboard::new("web-asg", FROM, FROM + MINUTES * 60, panels, markers)
}

fn marker(t: i64, label: &str, kind: MarkerKind) -> Marker {
    Marker {
        t,
        label: label.to_owned(),
        kind,
    }
}

struct Timings {
    sorted: Vec<Duration>,
    bytes: usize,
}

impl Timings {
    fn median(&self) -> Duration {
        self.sorted[self.sorted.len() / 2]
    }

    fn line(&self, name: &str) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        format!(
            "{name:<28} min {:>7.2} ms   median {:>7.2} ms   max {:>7.2} ms   SVG {:>7} bytes",
            ms(self.sorted[0]),
            ms(self.median()),
            ms(self.sorted[self.sorted.len() - 1]),
            self.bytes
        )
    }
}

fn time(d: &Dashboard, reduction: Reduction, runs: usize) -> (Timings, String) {
    // One render first, untimed: it pays for the first allocations and page faults.
    let mut svg = render_svg_with(d, SIZE, reduction).expect("renders");
    let mut sorted = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        svg = render_svg_with(d, SIZE, reduction).expect("renders");
        sorted.push(start.elapsed());
    }
    sorted.sort();
    let bytes = svg.len();
    (Timings { sorted, bytes }, svg)
}

fn main() {
    let a = args();
    let command: Vec<String> = std::env::args().collect();
    println!("bench-charts: the 7-day scaling dashboard rendered to SVG");
    println!(
        "command: cargo build --release -p escala-bench --bin bench-charts && {}",
        command.join(" ")
    );
    if cfg!(debug_assertions) {
        println!("warning: this is a debug build; the figures mean little");
    }
    let d = week();
    let points: usize = d
        .panels
        .iter()
        .flat_map(|p| &p.series)
        .map(|s| s.points.len())
        .sum();
    let series = d.panels.iter().map(|p| p.series.len()).sum::<usize>();
    println!(
        "dashboard: {series} series, {points} points, {} markers, {}x{} px, {} runs each",
        d.markers.len(),
        SIZE.width,
        SIZE.height,
        a.runs
    );
    println!();

    let (reduced, svg) = time(&d, Reduction::PerPixelColumn, a.runs);
    let (full, _) = time(&d, Reduction::Off, a.runs);
    println!("{}", reduced.line("thinned to pixel columns"));
    println!("{}", full.line("every point (baseline)"));
    println!(
        "baseline / thinned (median): {:.1}x",
        full.median().as_secs_f64() / reduced.median().as_secs_f64()
    );
    println!(
        "target: under {} ms: {}",
        TARGET.as_millis(),
        if reduced.median() < TARGET {
            "met"
        } else {
            "MISSED"
        }
    );
    if let Some(path) = a.svg {
        std::fs::write(&path, svg).expect("writes the SVG");
        println!("wrote {path}");
    }
}

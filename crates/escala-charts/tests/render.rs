//! The rendered SVG read back as XML: its named series and markers, where values land in pixels,
//! gaps, the empty state, and the PNG export's format and size. No golden images: every check is
//! about structure or geometry, so a change of style doesn't break them.

use escala_charts::{
    render_png, render_svg, render_svg_with, ChartError, Dashboard, Marker, MarkerKind, Panel,
    Point, Reduction, Series, Size, Theme, Unit, EMPTY_STATE,
};
use roxmltree::{Document, Node};

/// 2023-11-14 22:13:00 UTC, minute-aligned.
const FROM: i64 = 1_699_999_980;
const HOUR: i64 = 3_600;
const SIZE: Size = Size {
    width: 1_000,
    height: 640,
};

fn minutes(range: std::ops::Range<i64>, v: impl Fn(i64) -> f64) -> Vec<Point> {
    range
        .map(|m| Point {
            t: FROM + m * 60,
            v: v(m),
        })
        .collect()
}

/// The series ids of the dashboard these tests draw: an Auto Scaling group's.
mod ids {
    pub const CPU: &str = "cpu";
    pub const DESIRED: &str = "desired";
    pub const IN_SERVICE: &str = "in-service";
    pub const REQUESTS: &str = "requests";
    pub const HEALTHY_HOSTS: &str = "healthy-hosts";
}

/// A group's series: CPU, capacity and the load balancer's, each possibly empty.
#[derive(Default)]
struct Group {
    cpu: Vec<Point>,
    desired: Vec<Point>,
    in_service: Vec<Point>,
    requests: Vec<Point>,
    healthy_hosts: Vec<Point>,
}

/// CPU, then capacity, then the load balancer, as the asg route lays its dashboard out.
fn group(title: &str, from: i64, to: i64, g: Group, markers: Vec<Marker>) -> Dashboard {
    let panels = vec![
        Panel::new(
            "CPU",
            vec![Series::new(ids::CPU, "Average CPU", Unit::Percent, g.cpu)],
        ),
        Panel::new(
            "Capacity",
            vec![
                Series::new(ids::DESIRED, "Desired", Unit::Count, g.desired),
                Series::new(ids::IN_SERVICE, "In service", Unit::Count, g.in_service),
            ],
        ),
        Panel::new(
            "Load balancer",
            vec![
                Series::new(ids::REQUESTS, "Requests", Unit::Requests, g.requests),
                Series::new(
                    ids::HEALTHY_HOSTS,
                    "Healthy hosts",
                    Unit::Count,
                    g.healthy_hosts,
                ),
            ],
        ),
    ];
    Dashboard::new(title, from, to, panels, markers)
}

/// One hour: CPU rising 0 → 100 % once a minute ending at 100 at minute 50, then flat at 50;
/// desired capacity with minutes 20–24 missing; no load balancer data.
fn hour() -> Dashboard {
    let series = Group {
        cpu: minutes(0..61, |m| if m <= 50 { m as f64 * 2.0 } else { 50.0 }),
        desired: minutes(0..20, |_| 2.0)
            .into_iter()
            .chain(minutes(25..61, |_| 3.0))
            .collect(),
        in_service: minutes(0..61, |m| if m < 30 { 2.0 } else { 3.0 }),
        ..Group::default()
    };
    let markers = vec![
        Marker {
            t: FROM + 25 * 60,
            label: "+1 instance".into(),
            kind: MarkerKind::ScaleOut,
        },
        Marker {
            t: FROM + 2 * HOUR,
            label: "after the range".into(),
            kind: MarkerKind::Other,
        },
        Marker {
            t: FROM + 50 * 60,
            label: "Instance refresh <50%>".into(),
            kind: MarkerKind::Refresh,
        },
    ];
    group("web", FROM, FROM + HOUR, series, markers)
}

fn by_id<'a>(doc: &'a Document<'a>, id: &str) -> Node<'a, 'a> {
    doc.descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no element #{id}"))
}

fn with_class<'a>(root: Node<'a, 'a>, class: &str) -> Vec<Node<'a, 'a>> {
    root.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .collect()
}

/// Each polyline of a series, as its (x, y) points.
fn lines(doc: &Document<'_>, series: &str) -> Vec<Vec<(f64, f64)>> {
    by_id(doc, &format!("series-{series}"))
        .children()
        .filter(|n| n.has_tag_name("polyline"))
        .map(|line| {
            line.attribute("points")
                .expect("points")
                .split(' ')
                .map(|xy| {
                    let (x, y) = xy.split_once(',').expect("x,y");
                    (x.parse().expect("x"), y.parse().expect("y"))
                })
                .collect()
        })
        .collect()
}

struct Plot {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

fn plot(doc: &Document<'_>, panel: usize) -> Plot {
    let g = by_id(doc, &format!("panel-{panel}"));
    let at = |name: &str| -> f64 { g.attribute(name).expect(name).parse().expect("a number") };
    Plot {
        left: at("data-left"),
        top: at("data-top"),
        right: at("data-right"),
        bottom: at("data-bottom"),
    }
}

fn text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .trim()
        .to_owned()
}

#[test]
fn every_series_and_in_range_marker_is_a_named_group() {
    let svg = render_svg(&hour(), SIZE).unwrap();
    let doc = Document::parse(&svg).unwrap();

    let series: Vec<&str> = with_class(doc.root(), "series")
        .iter()
        .map(|g| g.attribute("id").unwrap())
        .collect();
    assert_eq!(
        series,
        [
            ids::CPU,
            ids::DESIRED,
            ids::IN_SERVICE,
            ids::REQUESTS,
            ids::HEALTHY_HOSTS
        ]
        .map(|id| format!("series-{id}"))
    );
    let cpu = by_id(&doc, "series-cpu");
    assert_eq!(cpu.attribute("data-series"), Some(ids::CPU));
    assert_eq!(cpu.attribute("data-unit"), Some("percent"));
    let colours: std::collections::HashSet<&str> = with_class(doc.root(), "series")
        .iter()
        .map(|g| g.attribute("stroke").unwrap())
        .collect();
    assert_eq!(colours.len(), 5, "each series has its own colour");

    let markers = with_class(doc.root(), "marker");
    let found: Vec<(&str, &str, String)> = markers
        .iter()
        .map(|m| {
            let flag = m.children().find(|n| n.has_tag_name("text")).unwrap();
            (
                m.attribute("id").unwrap(),
                m.attribute("data-kind").unwrap(),
                text(flag),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("marker-0", "scaleOut", "+1 instance".to_owned()),
            ("marker-2", "refresh", "Instance refresh <50%>".to_owned()),
        ],
        "the marker after the range is left out; labels are escaped and read back intact"
    );
}

#[test]
fn markers_cross_every_panel_at_their_time() {
    let svg = render_svg(&hour(), SIZE).unwrap();
    let doc = Document::parse(&svg).unwrap();
    let (first, last) = (plot(&doc, 0), plot(&doc, 2));
    let marker = by_id(&doc, "marker-0");
    let d = marker
        .children()
        .find(|n| n.has_tag_name("path") && n.attribute("stroke-dasharray").is_some())
        .and_then(|n| n.attribute("d"))
        .unwrap();
    let want_x = first.left + 25.0 / 60.0 * (first.right - first.left);
    let xs: Vec<f64> = d
        .split('M')
        .skip(1)
        .map(|sub| sub.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(xs.len(), 3, "one stroke per panel: {d}");
    assert!(
        xs.iter().all(|x| (x - want_x).abs() <= 0.5),
        "{xs:?} vs {want_x}"
    );
    let bottom: f64 = d.rsplit('V').next().unwrap().parse().unwrap();
    assert!(
        (bottom - last.bottom).abs() <= 0.5,
        "reaches the last plot's bottom"
    );
}

#[test]
fn values_land_on_their_pixels() {
    let svg = render_svg(&hour(), SIZE).unwrap();
    let doc = Document::parse(&svg).unwrap();
    let p = plot(&doc, 0);
    let cpu = lines(&doc, ids::CPU);
    assert_eq!(cpu.len(), 1);
    let line = &cpu[0];
    assert_eq!(
        line.len(),
        61,
        "an hour of minutes fits the pixels: nothing dropped"
    );
    assert!(
        line.windows(2).all(|w| w[0].0 < w[1].0),
        "x grows with time"
    );

    let near = |a: f64, b: f64| (a - b).abs() <= 0.5;
    let (x0, y0) = line[0];
    assert!(
        near(x0, p.left) && near(y0, p.bottom),
        "0 % at the start: {x0},{y0}"
    );
    let (x50, y50) = line[50];
    let want_x = p.left + 50.0 / 60.0 * (p.right - p.left);
    assert!(near(x50, want_x), "minute 50 at {want_x}, got {x50}");
    assert!(
        near(y50, p.top),
        "100 % at the top of the plot: {y50} vs {}",
        p.top
    );
    let (_, y_half) = line[60];
    assert!(near(y_half, (p.top + p.bottom) / 2.0), "50 % halfway up");
    assert!(
        near(line[60].0, p.right),
        "the range's end at the right edge"
    );
}

#[test]
fn a_gap_in_the_data_splits_the_line() {
    let svg = render_svg(&hour(), SIZE).unwrap();
    let doc = Document::parse(&svg).unwrap();
    let p = plot(&doc, 1);
    let desired = lines(&doc, ids::DESIRED);
    assert_eq!(desired.len(), 2, "minutes 20–24 are missing");
    let x_at = |minute: f64| p.left + minute / 60.0 * (p.right - p.left);
    let end_of_first = desired[0].last().unwrap().0;
    let start_of_second = desired[1][0].0;
    assert!((end_of_first - x_at(19.0)).abs() <= 0.5);
    assert!((start_of_second - x_at(25.0)).abs() <= 0.5);
    assert_eq!(lines(&doc, ids::IN_SERVICE).len(), 1, "no gap, one line");
}

#[test]
fn an_empty_panel_says_so() {
    let svg = render_svg(&hour(), SIZE).unwrap();
    let doc = Document::parse(&svg).unwrap();
    let empty: Vec<String> = with_class(by_id(&doc, "panel-2"), "empty-state")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(empty, [EMPTY_STATE]);
    assert_eq!(EMPTY_STATE, "No data in this range");
    assert!(with_class(by_id(&doc, "panel-0"), "empty-state").is_empty());
    assert!(lines(&doc, ids::REQUESTS).is_empty());
}

#[test]
fn a_week_is_thinned_to_the_pixels_with_its_peaks() {
    let from = FROM;
    let to = FROM + 7 * 24 * HOUR;
    let week = |v: fn(i64) -> f64| minutes(0..10_080, v);
    let series = Group {
        cpu: week(|m| {
            if m == 6_000 {
                97.0
            } else {
                20.0 + (m % 90) as f64 / 3.0
            }
        }),
        desired: week(|m| 2.0 + (m / 1_440) as f64),
        in_service: week(|m| 2.0 + (m / 1_440) as f64),
        requests: week(|m| {
            if m == 9_999 {
                1.0
            } else {
                500.0 + (m % 300) as f64
            }
        }),
        healthy_hosts: vec![],
    };
    let mut d = group("week", from, to, series, vec![]);
    d.theme = Theme::Dark;
    let svg = render_svg(&d, SIZE).unwrap();
    let full = render_svg_with(&d, SIZE, Reduction::Off).unwrap();
    assert!(
        svg.len() * 2 < full.len(),
        "{} vs {} bytes",
        svg.len(),
        full.len()
    );

    let (doc, full_doc) = (
        Document::parse(&svg).unwrap(),
        Document::parse(&full).unwrap(),
    );
    let p = plot(&doc, 0);
    for id in [ids::CPU, ids::REQUESTS] {
        let thin = lines(&doc, id).concat();
        let all = lines(&full_doc, id).concat();
        assert_eq!(all.len(), 10_080);
        assert!(
            thin.len() <= 2 * (p.right - p.left) as usize + 2,
            "{id}: {}",
            thin.len()
        );
        let extremes = |pts: &[(f64, f64)]| {
            let ys = pts.iter().map(|(_, y)| *y);
            (
                ys.clone().fold(f64::MAX, f64::min),
                ys.fold(f64::MIN, f64::max),
            )
        };
        assert_eq!(
            extremes(&thin),
            extremes(&all),
            "{id}: peak and trough kept"
        );
    }
}

#[test]
fn the_png_export_is_a_png_of_the_asked_size() {
    let png = render_png(
        &hour(),
        Size {
            width: 800,
            height: 600,
        },
        1.5,
    )
    .unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    assert_eq!((be(&png[16..20]), be(&png[20..24])), (1_200, 900));
}

#[test]
fn themes_follow_the_ui() {
    let mut d = hour();
    let light = render_svg(&d, SIZE).unwrap();
    d.theme = Theme::Dark;
    let dark = render_svg(&d, SIZE).unwrap();
    let background = |svg: &str| {
        let doc = Document::parse(svg).unwrap();
        let rect = doc.descendants().find(|n| n.has_tag_name("rect")).unwrap();
        rect.attribute("fill").unwrap().to_ascii_lowercase()
    };
    assert_eq!(background(&light), "#ffffff");
    assert_eq!(background(&dark), "#171e27");
}

#[test]
fn bad_dashboards_are_refused() {
    let size = SIZE;
    let mut d = hour();
    d.to = d.from;
    assert!(matches!(
        render_svg(&d, size),
        Err(ChartError::BadRange { .. })
    ));

    let d = hour();
    let tiny = Size {
        width: 100,
        height: 100,
    };
    assert!(matches!(
        render_svg(&d, tiny),
        Err(ChartError::TooSmall { .. })
    ));

    let mut d = hour();
    d.panels[1].series[0].id = ids::CPU.into();
    assert!(matches!(
        render_svg(&d, size),
        Err(ChartError::DuplicateSeriesId(_))
    ));

    let mut d = hour();
    d.panels[0].series[0].id = "cpu\" onload=\"x".into();
    assert!(matches!(
        render_svg(&d, size),
        Err(ChartError::BadSeriesId(_))
    ));

    let mut d = hour();
    d.panels[2]
        .series
        .push(Series::new("cpu-too", "CPU", Unit::Percent, vec![]));
    assert!(matches!(
        render_svg(&d, size),
        Err(ChartError::TooManyUnits { .. })
    ));

    assert!(matches!(
        render_png(&hour(), size, 0.0),
        Err(ChartError::BadScale(_))
    ));
}

#[test]
fn dashboards_cross_ipc_as_camel_case_json() {
    let json = serde_json::to_value(hour()).unwrap();
    assert_eq!(json["panels"][0]["series"][0]["unit"], "percent");
    assert_eq!(json["markers"][0]["kind"], "scaleOut");
    assert_eq!(json["theme"], "light");
    let back: Dashboard = serde_json::from_value(json).unwrap();
    assert_eq!(back, hour());
}

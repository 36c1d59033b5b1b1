//! `escala simulate`: the seeds side by side on a trace, as a table, as JSON and as charts; a
//! sweep's frontier; and every kind of bad input refused by name with exit code 3, before
//! anything is simulated. It touches no account and starts no sandbox.

mod support;

use support::*;

fn simulate(cli: &Cli, args: &[&str]) -> std::process::Output {
    let mut all = vec!["simulate"];
    all.extend(args);
    cli.command(&all).output().unwrap()
}

#[test]
fn the_seeds_compare_side_by_side_as_a_table_json_and_charts() {
    let cli = Cli::new("http://127.0.0.1:9");
    let out = simulate(&cli, &["--trace", "flash-crowd:peak=300,duration=3600"]);
    assert!(out.status.success(), "{}", text(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = table.lines().collect();
    assert!(
        rows[0].starts_with("route") && rows[0].contains("lost") && rows[0].contains("cost"),
        "{table}"
    );
    for (row, route) in rows[1..].iter().zip(["asg", "fargate", "kubernetes"]) {
        assert!(row.starts_with(route), "{table}");
        assert!(row.contains('$'), "{table}");
    }

    let svg = cli.home.path().join("compare.svg");
    let out = simulate(
        &cli,
        &[
            "--routes",
            "asg,kubernetes",
            "--out",
            path_str(&svg),
            "-o",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let routes = v["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 2);
    assert_eq!(routes[0]["route"], "asg");
    assert!(routes[0]["summary"]["lostPercent"].as_f64().is_some());
    assert_eq!(
        routes[0]["timeline"].as_array().unwrap().len(),
        60,
        "a point a minute"
    );
    let drawn = std::fs::read_to_string(&svg).unwrap();
    for series in [
        "series-asg-demand",
        "series-asg-capacity",
        "series-kubernetes-served",
    ] {
        assert!(drawn.contains(series), "{series}");
    }
}

#[test]
fn a_sweep_prints_its_frontier() {
    let cli = Cli::new("http://127.0.0.1:9");
    let out = simulate(&cli, &["--routes", "asg", "--sweep", "target=50..90:20"]);
    assert!(out.status.success(), "{}", text(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(table.lines().count(), 4, "a header and 3 targets: {table}");
    assert!(table.contains('*'), "the frontier is marked: {table}");
}

#[test]
fn bad_input_is_refused_by_name_before_anything_runs() {
    let cli = Cli::new("http://127.0.0.1:9");
    let csv = cli.home.path().join("trace.csv");
    std::fs::write(&csv, "0,10\n60,20\n60,30\n").unwrap();
    let net = cli.spec("net", &seed_yaml("net"));
    for (args, says) in [
        (vec!["--trace", "tsunami"], "`tsunami` is neither a shape"),
        (
            vec!["--trace", path_str(&csv)],
            "line 3: this timestamp repeats the line before's",
        ),
        (vec!["--routes", "lambda"], "`lambda` is not a route"),
        (
            vec!["--routes", "asg", "-f", path_str(&net)],
            "the Spec configures no asg route",
        ),
        (
            vec!["--routes", "asg", "--sweep", "target=40..90:0"],
            "the step is 0 or less",
        ),
        (
            vec!["--routes", "asg", "--sweep", "min=6..1"],
            "the range 6..1 is empty",
        ),
        (
            vec!["--routes", "asg,fargate", "--sweep", "min=1..2"],
            "--sweep varies one route's settings",
        ),
        (
            vec!["--trace", "step:after=-4"],
            "trace.after: -4 is negative",
        ),
    ] {
        let out = simulate(&cli, &args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(says), "{args:?}: {}", text(&out));
    }
}

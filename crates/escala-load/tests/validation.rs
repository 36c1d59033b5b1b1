//! Bad input is refused before anything is sent, each rule with its own error naming the input.

use std::time::Duration;

use escala_load::{duration, Input, LoadError, LoadPlan};

const URL: &str = "http://127.0.0.1:8080/";
const SECOND: Duration = Duration::from_secs(1);

fn plan(url: &str, rps: u32, secs: u64) -> Result<LoadPlan, LoadError> {
    LoadPlan::new(url, rps, Duration::from_secs(secs))
}

#[test]
fn every_bad_input_is_refused_with_its_own_error() {
    let ok = || plan(URL, 10, 1).unwrap();
    let cases = [
        (
            plan("", 10, 1),
            Input::Url,
            "'' is not a valid URL: it is empty",
        ),
        (
            plan("http://exa mple.com/", 10, 1),
            Input::Url,
            "is not a valid URL",
        ),
        (
            plan("http://host:99999/", 10, 1),
            Input::Url,
            "the port must be 1 to 65535, not 99999",
        ),
        (plan("http://host:0/", 10, 1), Input::Url, "not 0"),
        (
            plan("https://alb.example.com/", 10, 1),
            Input::Url,
            "uses https",
        ),
        (
            plan("ftp://files.example.com/", 10, 1),
            Input::Url,
            "uses ftp://",
        ),
        (plan("http://:8080/", 10, 1), Input::Url, "has no host"),
        (
            plan(URL, 0, 1),
            Input::Rps,
            "1 to 20000 requests per second, not 0",
        ),
        (plan(URL, 20_001, 1), Input::Rps, "not 20001"),
        (
            plan(URL, 10, 0),
            Input::Duration,
            "more than 0s and at most 1h, not 0s",
        ),
        (plan(URL, 10, 3601), Input::Duration, "not 1h1s"),
        (
            ok().with_concurrency_limit(0),
            Input::Concurrency,
            "1 to 10000, not 0",
        ),
        (
            ok().with_concurrency_limit(10_001),
            Input::Concurrency,
            "not 10001",
        ),
        (
            ok().with_timeout(Duration::ZERO),
            Input::Timeout,
            "1ms to 1m, not 0s",
        ),
        (
            ok().with_timeout(Duration::from_secs(61)),
            Input::Timeout,
            "not 1m1s",
        ),
    ];
    for (result, input, message) in cases {
        let error = result.expect_err(message);
        assert_eq!(error.input(), Some(input), "{error}");
        assert!(error.to_string().contains(message), "{error}");
    }
}

#[test]
fn the_limits_themselves_and_bare_hosts_are_accepted() {
    let p = plan("alb-123.us-east-1.elb.amazonaws.com", 20_000, 3600).unwrap();
    assert_eq!(
        p.url().to_string(),
        "http://alb-123.us-east-1.elb.amazonaws.com/"
    );
    assert_eq!(p.rps(), 20_000);
    let p = plan("http://[::1]:8080/health?x=1", 1, 1)
        .unwrap()
        .with_concurrency_limit(10_000)
        .unwrap()
        .with_timeout(Duration::from_millis(1))
        .unwrap();
    assert_eq!(p.url().path_and_query().unwrap().as_str(), "/health?x=1");
    assert_eq!(p.concurrency_limit(), 10_000);
    assert_eq!(p.timeout(), Duration::from_millis(1));
    assert_eq!(p.duration(), SECOND);
}

#[test]
fn durations_parse_as_written_on_a_command_line() {
    let good = [
        ("30s", 30_000),
        ("5m", 300_000),
        ("1m30s", 90_000),
        ("1m 30s", 90_000),
        ("500ms", 500),
        ("1h", 3_600_000),
        (" 2s ", 2_000),
    ];
    for (text, ms) in good {
        assert_eq!(
            duration::parse(text).unwrap(),
            Duration::from_millis(ms),
            "{text}"
        );
        assert_eq!(
            duration::parse(&duration::format(&Duration::from_millis(ms))).unwrap(),
            Duration::from_millis(ms)
        );
    }
    let bad = [
        ("", "it is empty"),
        ("30", "a number needs a unit"),
        ("1.5s", "use whole numbers"),
        ("10x", "the unit must be h, m, s or ms"),
        ("s", "each part must start with a number"),
        ("-5s", "each part must start with a number"),
        ("99999999999999999999h", "too large"),
        ("9999999999999999h", "too large"),
    ];
    for (text, reason) in bad {
        let error = duration::parse(text).expect_err(text);
        assert!(matches!(error, LoadError::DurationFormat { .. }), "{error}");
        assert_eq!(error.input(), None);
        assert!(error.to_string().contains(reason), "{text}: {error}");
    }
}

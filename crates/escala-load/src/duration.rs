//! Durations as people write them on a command line: `30s`, `5m`, `1m30s`, `500ms`, `1h`.

use std::time::Duration;

use crate::LoadError;

/// Parses one or more `<number><unit>` parts (units `h`, `m`, `s`, `ms`), added up. A bare number is
/// refused: `30` could mean seconds or minutes, and guessing wrong sends an hour of load.
pub fn parse(text: &str) -> Result<Duration, LoadError> {
    let fail = |reason| LoadError::DurationFormat {
        text: text.to_string(),
        reason,
    };
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(fail("it is empty"));
    }
    let mut total_ms: u64 = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return Err(fail("each part must start with a number"));
        }
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| fail("the number is too large"))?;
        rest = &rest[digits..];
        let letters = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        let unit_ms = match &rest[..letters] {
            "h" => 3_600_000,
            "m" => 60_000,
            "s" => 1_000,
            "ms" => 1,
            "" if rest.starts_with(['.', ',']) => {
                return Err(fail("use whole numbers: 1500ms, not 1.5s"))
            }
            "" => return Err(fail("a number needs a unit: h, m, s or ms")),
            _ => return Err(fail("the unit must be h, m, s or ms")),
        };
        total_ms = number
            .checked_mul(unit_ms)
            .and_then(|ms| total_ms.checked_add(ms))
            .ok_or_else(|| fail("the number is too large"))?;
        rest = rest[letters..].trim_start();
    }
    Ok(Duration::from_millis(total_ms))
}

/// The inverse of [`parse`], to millisecond precision: `1h`, `1m30s`, `500ms`, `0s`.
pub fn format(duration: &Duration) -> String {
    let ms = duration.as_millis();
    if ms == 0 {
        return "0s".into();
    }
    let parts = [
        (ms / 3_600_000, "h"),
        (ms / 60_000 % 60, "m"),
        (ms / 1_000 % 60, "s"),
        (ms % 1_000, "ms"),
    ];
    parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect()
}

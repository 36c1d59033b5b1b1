//! CPU time and resident memory of the server processes under test, read from /proc (Linux only).

use crate::error::LoadError;

#[derive(Debug, Clone, Copy, Default)]
pub struct ProcSample {
    /// User + system CPU seconds, summed over the processes.
    pub cpu_secs: f64,
    /// Resident set size in bytes, summed over the processes.
    pub rss_bytes: u64,
}

fn read(pid: u32, file: &str) -> Result<String, LoadError> {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .map_err(|source| LoadError::Proc { pid, source })
}

fn clock_ticks_per_sec() -> f64 {
    // USER_HZ is 100 on every Linux architecture that matters here; /proc reports CPU times in it.
    100.0
}

pub fn sample(pids: &[u32]) -> Result<ProcSample, LoadError> {
    let mut total = ProcSample::default();
    for &pid in pids {
        let stat = read(pid, "stat")?;
        // Fields after the command name (which may contain spaces) start after the last ')'.
        let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the full line, 12 and 13 after the name.
        let ticks: f64 = fields
            .get(11..13)
            .unwrap_or(&[])
            .iter()
            .filter_map(|f| f.parse::<f64>().ok())
            .sum();
        total.cpu_secs += ticks / clock_ticks_per_sec();
        let status = read(pid, "status")?;
        let rss_kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        total.rss_bytes += rss_kb * 1024;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_this_process() {
        let s = sample(&[std::process::id()]).unwrap();
        assert!(s.rss_bytes > 0);
        assert!(s.cpu_secs >= 0.0);
        assert!(sample(&[u32::MAX]).is_err());
    }
}

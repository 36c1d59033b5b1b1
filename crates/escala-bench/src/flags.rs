//! The benchmark programs' command lines: `--flag value` pairs and `--trace`-style switches. `--help`
//! prints the usage line; a wrong flag or value prints what is wrong and the usage, and exits with 2,
//! as a command-line tool does, instead of panicking with a backtrace.

use std::str::FromStr;

#[derive(Debug)]
pub struct Flags {
    usage: &'static str,
    args: std::vec::IntoIter<String>,
}

impl Flags {
    /// The program's arguments; `usage` is its usage line.
    pub fn from_env(usage: &'static str) -> Self {
        Self {
            usage,
            args: std::env::args().skip(1).collect::<Vec<_>>().into_iter(),
        }
    }

    /// The next flag, or `None` after the last one. `--help` prints the usage and exits.
    pub fn next_flag(&mut self) -> Option<String> {
        let flag = self.args.next()?;
        if flag == "--help" || flag == "-h" {
            println!("usage: {}", self.usage);
            std::process::exit(0);
        }
        Some(flag)
    }

    /// The value after `flag`, parsed; `what` names what it must be ("a count", "milliseconds").
    pub fn value<T: FromStr>(&mut self, flag: &str, what: &str) -> T {
        match self.args.next() {
            Some(v) => v
                .parse()
                .unwrap_or_else(|_| self.fail(&format!("{flag} takes {what}, not '{v}'"))),
            None => self.fail(&format!("{flag} needs {what}")),
        }
    }

    /// A command line of `--runs N` alone (at least 1; `default` without it).
    pub fn runs_only(usage: &'static str, default: usize) -> usize {
        let mut flags = Self::from_env(usage);
        let mut runs = default;
        while let Some(flag) = flags.next_flag() {
            match flag.as_str() {
                "--runs" => runs = flags.value(&flag, "a count"),
                other => flags.fail(&format!("unknown flag {other}")),
            }
        }
        if runs == 0 {
            flags.fail("--runs must be at least 1");
        }
        runs
    }

    /// Prints `problem` and the usage, and exits with 2.
    pub fn fail(&self, problem: &str) -> ! {
        eprintln!("error: {problem}\nusage: {}", self.usage);
        std::process::exit(2);
    }
}

//! A wrapper for secrets that cannot leak through Debug, Display or serialization.

use std::fmt;

/// Holds a secret. Its `Debug` prints `<redacted>`, it has no `Display`, and it deliberately does
/// not implement `Serialize`, so a secret can't end up in a log line, a state file or an IPC payload
/// by accident. Read it with [`Sensitive::expose`] at the single place that needs the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself. Call sites are few and easy to audit with a search for `expose(`.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Sensitive::new("wJalrXUtnFEMI/K7MDENG".to_string());
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
        assert_eq!(s.expose(), "wJalrXUtnFEMI/K7MDENG");
    }
}

//! The profiles of the AWS CLI's files (~/.aws/config and ~/.aws/credentials), by name only: the
//! desktop app lists them so the user can pick one. Reading the keys stays with the SDK.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Profile names from both files, sorted and without duplicates. Missing files give none.
pub fn aws_profiles() -> Vec<String> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let file = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(default)))
    };
    let mut names = BTreeSet::new();
    if let Some(p) = file("AWS_CONFIG_FILE", ".aws/config") {
        names.extend(sections(&p, true));
    }
    if let Some(p) = file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials") {
        names.extend(sections(&p, false));
    }
    names.into_iter().collect()
}

/// The profile sections of one INI file. In the config file they read `[profile name]` (except
/// `[default]`), and `[sso-session …]` or `[services …]` sections are not profiles.
fn sections(path: &Path, config_file: bool) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|text| parse_sections(&text, config_file))
        .unwrap_or_default()
}

fn parse_sections(text: &str, config_file: bool) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('[')?.strip_suffix(']'))
        .map(str::trim)
        .filter_map(|s| {
            if s == "default" {
                Some(s.to_string())
            } else if config_file {
                s.strip_prefix("profile ").map(|n| n.trim().to_string())
            } else {
                Some(s.to_string())
            }
        })
        .filter(|n| !n.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_sections_need_the_profile_prefix_but_credentials_do_not() {
        let config = "[default]\nregion = eu-west-1\n[profile dev]\nsso_session = corp\n[sso-session corp]\n[services s]\n";
        assert_eq!(parse_sections(config, true), vec!["default", "dev"]);
        let creds = "[default]\naws_access_key_id = x\n\n[ci]\naws_access_key_id = y\n";
        assert_eq!(parse_sections(creds, false), vec!["default", "ci"]);
    }
}

//! Host directories copied into the image (the chat server's web client). Only contents and the
//! executable bit are kept: owners, times and other permission bits are the builder's own.

use std::path::Path;

use crate::error::ImageError;
use crate::layer::Entry;
use crate::spec::Tree;

pub(crate) fn entries(tree: &Tree) -> Result<Vec<Entry>, ImageError> {
    let mut entries = vec![Entry::dir(tree.target.clone(), 0o755)];
    walk(&tree.source, &tree.target, &mut entries)?;
    Ok(entries)
}

fn walk(dir: &Path, target: &str, entries: &mut Vec<Entry>) -> Result<(), ImageError> {
    let read_error = |path: &Path| {
        let path = path.to_owned();
        move |source| ImageError::Read { path, source }
    };
    for item in std::fs::read_dir(dir).map_err(read_error(dir))? {
        let path = item.map_err(read_error(dir))?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| ImageError::Spec {
                reason: format!("{} has a name that is not UTF-8", path.display()),
            })?;
        let image_path = format!("{target}/{name}");
        // Followed, not copied as links: a link out of the tree would dangle in the image.
        let meta = std::fs::metadata(&path).map_err(read_error(&path))?;
        if meta.is_dir() {
            entries.push(Entry::dir(image_path.clone(), 0o755));
            walk(&path, &image_path, entries)?;
        } else if meta.is_file() {
            let executable = std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111;
            let mode = if executable != 0 { 0o755 } else { 0o644 };
            let data = std::fs::read(&path).map_err(read_error(&path))?;
            entries.push(Entry::file(image_path, mode, data));
        } else {
            return Err(ImageError::Spec {
                reason: format!("{} is neither a file nor a directory", path.display()),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::EntryKind;

    #[test]
    fn a_tree_keeps_its_files_and_the_executable_bit_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("index.html"), "<html>").unwrap();
        std::fs::write(dir.path().join("assets/run.sh"), "#!/bin/sh").unwrap();
        std::fs::set_permissions(
            dir.path().join("assets/run.sh"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        let mut entries = entries(&Tree {
            source: dir.path().to_owned(),
            target: "/srv/web".into(),
        })
        .unwrap();
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        let summary: Vec<_> = entries
            .iter()
            .map(|e| (e.path.as_str(), e.mode, matches!(e.kind, EntryKind::Dir)))
            .collect();
        assert_eq!(
            summary,
            [
                ("/srv/web", 0o755, true),
                ("/srv/web/assets", 0o755, true),
                ("/srv/web/assets/run.sh", 0o755, false),
                ("/srv/web/index.html", 0o644, false),
            ]
        );
    }

    #[test]
    fn a_missing_tree_is_a_read_error_naming_it() {
        let err = entries(&Tree {
            source: "/nonexistent/web".into(),
            target: "/srv/web".into(),
        })
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("build: cannot read /nonexistent/web:"),
            "{err}"
        );
    }
}

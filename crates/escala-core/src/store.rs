//! Escala's own files: the last Spec applied per stack (so `status`, `destroy` and the desktop's stack
//! list know the region and can export the Spec) and the sandbox endpoint. No secret is ever written
//! here: credentials live in the OS keyring.

use std::path::{Path, PathBuf};

use crate::spec::Spec;
use crate::CoreError;

/// The folder everything is kept in: `$ESCALA_HOME`, else the platform's data folder.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// `$ESCALA_HOME`, or `~/.local/share/escala` (XDG), or `./.escala` when there is no home.
    pub fn from_env() -> Self {
        if let Some(dir) = std::env::var_os("ESCALA_HOME") {
            return Self::new(dir);
        }
        let data = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/share")));
        Self::new(
            data.map(|d| d.join("escala"))
                .unwrap_or_else(|| ".escala".into()),
        )
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn stacks(&self) -> PathBuf {
        self.root.join("stacks")
    }

    /// Remembers the Spec of a stack. Written before apply starts, so a crash mid-apply still leaves
    /// the stack listed and destroyable.
    pub fn save_spec(&self, spec: &Spec) -> Result<(), CoreError> {
        let dir = self.stacks();
        std::fs::create_dir_all(&dir).map_err(|e| io(format!("creating {}", dir.display()), e))?;
        let path = dir.join(format!("{}.yaml", spec.name));
        let tmp = dir.join(format!(".{}.yaml.tmp", spec.name));
        // Write then rename, so a crash never leaves a half-written Spec behind.
        std::fs::write(&tmp, spec.to_yaml())
            .map_err(|e| io(format!("writing {}", tmp.display()), e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io(format!("writing {}", path.display()), e))
    }

    pub fn load_spec(&self, stack: &str) -> Result<Option<Spec>, CoreError> {
        let path = self.stacks().join(format!("{stack}.yaml"));
        match std::fs::read_to_string(&path) {
            Ok(text) => Spec::from_yaml(&text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(format!("reading {}", path.display()), e)),
        }
    }

    pub fn forget(&self, stack: &str) -> Result<(), CoreError> {
        let path = self.stacks().join(format!("{stack}.yaml"));
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(io(format!("removing {}", path.display()), e))
            }
            _ => Ok(()),
        }
    }

    /// The names of the stacks Escala knows, sorted.
    pub fn list(&self) -> Result<Vec<String>, CoreError> {
        let dir = self.stacks();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(io(format!("reading {}", dir.display()), e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_suffix(".yaml")
                    .map(str::to_string)
            })
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        Ok(names)
    }
}

fn io(context: String, source: std::io::Error) -> CoreError {
    CoreError::Io { context, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_lists_loads_and_forgets_specs() {
        let dir = std::env::temp_dir().join(format!("escala-store-{}", std::process::id()));
        let store = Store::new(&dir);
        assert!(store.list().unwrap().is_empty());
        let spec = Spec::seed_network("shop", "us-east-1");
        store.save_spec(&spec).unwrap();
        assert_eq!(store.list().unwrap(), vec!["shop"]);
        assert_eq!(store.load_spec("shop").unwrap(), Some(spec));
        store.forget("shop").unwrap();
        assert!(store.load_spec("shop").unwrap().is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }
}

//! Escala's own files: the last Spec applied per stack (so `status`, `destroy` and the desktop's stack
//! list know the region and can export the Spec) and the sandbox endpoint. No secret is ever written
//! here: credentials live in the OS keyring.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::spec::Spec;
use crate::CoreError;

/// A change to a stack that was started and hasn't finished yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Operation {
    Apply,
    Destroy,
}

/// Where a stack lives: the sandbox emulator or a real AWS account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Place {
    Sandbox,
    Account,
}

/// What Escala remembers about a stack besides its Spec. `pending` is written before an apply or
/// destroy starts and cleared when it ends, so a crash or a closed app leaves a mark that lists
/// the stack as interrupted and offers to resume it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackRecord {
    pub place: Place,
    pub pending: Option<Operation>,
}

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
        for path in [self.spec_path(stack), self.record_path(stack)] {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(io(format!("removing {}", path.display()), e))
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn spec_path(&self, stack: &str) -> PathBuf {
        self.stacks().join(format!("{stack}.yaml"))
    }

    fn record_path(&self, stack: &str) -> PathBuf {
        self.stacks().join(format!("{stack}.json"))
    }

    /// Refuses a Spec that would move a known stack to another region: the old region's resources
    /// would be forgotten while they still cost money.
    pub fn check_region(&self, spec: &Spec) -> Result<(), CoreError> {
        match self.load_spec(&spec.name)? {
            Some(known) if known.region != spec.region => Err(CoreError::RegionChange {
                stack: spec.name.clone(),
                region: known.region,
            }),
            _ => Ok(()),
        }
    }

    /// Marks `operation` as started on the stack (see [`StackRecord`]).
    pub fn begin(&self, stack: &str, place: Place, operation: Operation) -> Result<(), CoreError> {
        self.write_record(
            stack,
            StackRecord {
                place,
                pending: Some(operation),
            },
        )
    }

    /// Clears the pending mark once the operation has ended, whatever its outcome was reported as.
    pub fn finish(&self, stack: &str, place: Place) -> Result<(), CoreError> {
        self.write_record(
            stack,
            StackRecord {
                place,
                pending: None,
            },
        )
    }

    /// The stack's record; stacks written before records existed count as account stacks at rest.
    pub fn record(&self, stack: &str) -> Result<StackRecord, CoreError> {
        let path = self.record_path(stack);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| CoreError::State(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(StackRecord {
                place: Place::Account,
                pending: None,
            }),
            Err(e) => Err(io(format!("reading {}", path.display()), e)),
        }
    }

    fn write_record(&self, stack: &str, record: StackRecord) -> Result<(), CoreError> {
        let dir = self.stacks();
        std::fs::create_dir_all(&dir).map_err(|e| io(format!("creating {}", dir.display()), e))?;
        let path = self.record_path(stack);
        let tmp = dir.join(format!(".{stack}.json.tmp"));
        let text = serde_json::to_string(&record).expect("a record always serializes");
        std::fs::write(&tmp, text).map_err(|e| io(format!("writing {}", tmp.display()), e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io(format!("writing {}", path.display()), e))
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
        assert_eq!(store.record("shop").unwrap().pending, None);
        store
            .begin("shop", Place::Sandbox, Operation::Apply)
            .unwrap();
        let record = store.record("shop").unwrap();
        assert_eq!(
            (record.place, record.pending),
            (Place::Sandbox, Some(Operation::Apply))
        );
        store.finish("shop", Place::Sandbox).unwrap();
        assert_eq!(store.record("shop").unwrap().pending, None);
        assert_eq!(
            store.list().unwrap(),
            vec!["shop"],
            "records are not stacks"
        );
        store.forget("shop").unwrap();
        assert!(store.load_spec("shop").unwrap().is_none());
        assert_eq!(store.record("shop").unwrap().pending, None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}

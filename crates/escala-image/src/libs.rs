//! The shared objects a dynamic program loads, found the way a distroless base is assembled: its
//! loader (PT_INTERP), then every DT_NEEDED name, recursively, looked up in the directories the
//! loader searches (those of ld.so.conf, then its built-in ones).

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use crate::arch::Arch;
use crate::elf::{self, ElfInfo};
use crate::error::ImageError;

/// A file to put in the image: where it goes, and the host file it is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SharedObject {
    pub image_path: String,
    /// Symlinks resolved, so two names for one file (the loader has two) can be told apart.
    pub source: PathBuf,
}

#[derive(Debug, Clone)]
pub(crate) struct LibraryDirs {
    /// Where to look, in order.
    search: Vec<PathBuf>,
    /// Debian's loader's built-in directories. The image has no ld.so.cache, so these are the
    /// only places its loader looks.
    loader_dirs: Vec<PathBuf>,
    arch: Arch,
}

impl LibraryDirs {
    /// This machine's directories for `arch`: /etc/ld.so.conf's, then the loader's own.
    pub(crate) fn system(arch: Arch) -> Self {
        Self::with_conf(arch, Path::new("/etc/ld.so.conf"))
    }

    pub(crate) fn with_conf(arch: Arch, conf: &Path) -> Self {
        let mut search = Vec::new();
        read_conf(conf, &mut search, 0);
        let loader_dirs = loader_dirs(arch);
        for dir in &loader_dirs {
            if !search.contains(dir) {
                search.push(dir.clone());
            }
        }
        LibraryDirs {
            search,
            loader_dirs,
            arch,
        }
    }

    /// The first file named `name` in the search directories that is an ELF for the program's
    /// machine and class, where it goes in the image, and what it needs in turn.
    fn find(&self, name: &str, program: &ElfInfo) -> Option<(SharedObject, ElfInfo)> {
        let candidates: Vec<PathBuf> = if name.contains('/') {
            vec![PathBuf::from(name)]
        } else {
            self.search.iter().map(|dir| dir.join(name)).collect()
        };
        candidates.into_iter().find_map(|path| {
            let source = std::fs::canonicalize(&path).ok()?;
            let info = elf::parse(&path, &std::fs::read(&source).ok()?).ok()?;
            if !info.same_kind(program) {
                return None;
            }
            let dir = path.parent()?;
            let image_path = if name.contains('/') || self.loader_dirs.iter().any(|d| d == dir) {
                path.to_str()?.to_owned()
            } else {
                // Found through ld.so.conf only: the image's loader would not look there.
                format!("/usr/lib/{}/{name}", self.arch.multiarch())
            };
            Some((SharedObject { image_path, source }, info))
        })
    }
}

fn loader_dirs(arch: Arch) -> Vec<PathBuf> {
    let multiarch = arch.multiarch();
    vec![
        PathBuf::from(format!("/lib/{multiarch}")),
        PathBuf::from(format!("/usr/lib/{multiarch}")),
        PathBuf::from("/lib"),
        PathBuf::from("/usr/lib"),
    ]
}

/// ld.so.conf: one directory per line, `#` comments, `include GLOB` (relative to the including
/// file); `hwcap` lines are obsolete and ignored. A missing file adds nothing, as for ldconfig.
fn read_conf(path: &Path, dirs: &mut Vec<PathBuf>, depth: usize) {
    // Includes that include each other would otherwise never end.
    if depth > 8 {
        return;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        match word {
            "" | "hwcap" => {}
            "include" => {
                let base = path.parent().unwrap_or(Path::new("/"));
                for file in glob(&base.join(rest.trim())) {
                    read_conf(&file, dirs, depth + 1);
                }
            }
            _ => {
                let dir = PathBuf::from(line);
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
        }
    }
}

/// The files matching a pattern whose last part may hold `*` and `?` (the only form ld.so.conf
/// files use), sorted as glob(3) returns them.
fn glob(pattern: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (
        pattern.parent(),
        pattern.file_name().and_then(|n| n.to_str()),
    ) else {
        return Vec::new();
    };
    let Ok(listing) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = listing
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_str().is_some_and(|n| wildcard(name, n)))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

fn wildcard(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    // A hidden file matches only a pattern that starts with a dot, as in the shell.
    (!name.starts_with('.') || pattern.starts_with('.')) && go(pattern.as_bytes(), name.as_bytes())
}

/// The loader and every library `program` loads, keyed by their paths in the image.
pub(crate) fn closure(
    binary: &Path,
    program: &ElfInfo,
    dirs: &LibraryDirs,
) -> Result<Vec<SharedObject>, ImageError> {
    let mut found = BTreeMap::new();
    if let Some(interpreter) = &program.interpreter {
        let source = std::fs::canonicalize(interpreter).map_err(|_| ImageError::MissingLoader {
            interpreter: interpreter.clone(),
            binary: binary.to_owned(),
        })?;
        found.insert(
            interpreter.clone(),
            SharedObject {
                image_path: interpreter.clone(),
                source,
            },
        );
    }
    let mut queue: VecDeque<(String, PathBuf)> = program
        .needed
        .iter()
        .map(|name| (name.clone(), binary.to_owned()))
        .collect();
    let mut seen = HashSet::new();
    while let Some((name, needed_by)) = queue.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let (object, info) =
            dirs.find(&name, program)
                .ok_or_else(|| ImageError::MissingLibrary {
                    library: name.clone(),
                    needed_by: needed_by.clone(),
                    searched: dirs.search.clone(),
                })?;
        queue.extend(info.needed.into_iter().map(|n| (n, object.source.clone())));
        found.insert(object.image_path.clone(), object);
    }
    Ok(found.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program() -> (PathBuf, ElfInfo) {
        let exe = std::env::current_exe().unwrap();
        let info = elf::parse(&exe, &std::fs::read(&exe).unwrap()).unwrap();
        (exe, info)
    }

    #[test]
    fn a_rust_program_needs_the_loader_libc_and_libgcc_s_from_the_multiarch_dir() {
        let (exe, info) = program();
        let objects = closure(&exe, &info, &LibraryDirs::system(Arch::Amd64)).unwrap();
        let paths: Vec<&str> = objects.iter().map(|o| o.image_path.as_str()).collect();
        for expected in [
            "/lib64/ld-linux-x86-64.so.2",
            "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib/x86_64-linux-gnu/libgcc_s.so.1",
        ] {
            assert!(paths.contains(&expected), "{expected} missing in {paths:?}");
        }
        // Both names of the loader are one file on the host.
        let loader: HashSet<_> = objects
            .iter()
            .filter(|o| o.image_path.ends_with("ld-linux-x86-64.so.2"))
            .map(|o| &o.source)
            .collect();
        assert_eq!(loader.len(), 1);
    }

    #[test]
    fn a_library_found_nowhere_names_itself_who_needs_it_and_where_it_was_looked_for() {
        let (exe, mut info) = program();
        info.needed.push("libescala-nowhere.so.1".into());
        let empty = tempfile::tempdir().unwrap();
        let conf = empty.path().join("ld.so.conf");
        std::fs::write(&conf, format!("{}\n", empty.path().display())).unwrap();
        let err = closure(&exe, &info, &LibraryDirs::with_conf(Arch::Amd64, &conf))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!(
                "build: library libescala-nowhere.so.1 needed by {} was not found in {}, /lib/x86_64-linux-gnu",
                exe.display(),
                empty.path().display()
            )),
            "{err}"
        );
    }

    #[test]
    fn a_library_only_ld_so_conf_knows_goes_where_the_image_loader_looks() {
        // A copy of libgcc_s in a directory of ld.so.conf's, found before the system's.
        let local = tempfile::tempdir().unwrap();
        let system = PathBuf::from("/lib/x86_64-linux-gnu/libgcc_s.so.1");
        std::fs::copy(&system, local.path().join("libgcc_s.so.1")).unwrap();
        let conf_dir = local.path().join("ld.so.conf.d");
        std::fs::create_dir(&conf_dir).unwrap();
        std::fs::write(
            conf_dir.join("local.conf"),
            format!("# a comment\n{}\n", local.path().display()),
        )
        .unwrap();
        std::fs::write(conf_dir.join(".hidden.conf"), "/nowhere-hidden\n").unwrap();
        std::fs::write(conf_dir.join("other.txt"), "/nowhere-txt\n").unwrap();
        let conf = local.path().join("ld.so.conf");
        std::fs::write(&conf, "include ld.so.conf.d/*.conf\nhwcap 0 nosegneg\n").unwrap();

        let dirs = LibraryDirs::with_conf(Arch::Amd64, &conf);
        assert_eq!(dirs.search[0], local.path());
        assert!(!dirs.search.iter().any(|d| d.starts_with("/nowhere")));

        let (exe, info) = program();
        let objects = closure(&exe, &info, &dirs).unwrap();
        let gcc = objects
            .iter()
            .find(|o| o.image_path.ends_with("libgcc_s.so.1"))
            .unwrap();
        assert_eq!(gcc.image_path, "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1");
        assert_eq!(gcc.source, local.path().join("libgcc_s.so.1"));
    }

    #[test]
    fn wildcards_match_like_the_shell() {
        assert!(wildcard("*.conf", "libc.conf"));
        assert!(!wildcard("*.conf", "libc.conf.bak"));
        assert!(wildcard("lib?.conf", "libc.conf"));
        assert!(!wildcard("*.conf", ".libc.conf"));
    }
}

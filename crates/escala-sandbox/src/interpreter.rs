//! Finding moto_server and the Python it was installed for.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::io;
use crate::error::SandboxError;

/// Where moto_server is: `$ESCALA_MOTO_SERVER`, the setup script's venv, then `PATH`.
pub fn find_moto_server() -> Result<PathBuf, SandboxError> {
    if let Some(p) = std::env::var_os("ESCALA_MOTO_SERVER") {
        return Ok(PathBuf::from(p));
    }
    let cache = std::env::var_os("ESCALA_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/escala")));
    if let Some(venv) = cache
        .map(|c| c.join("venv/bin/moto_server"))
        .filter(|p| p.exists())
    {
        return Ok(venv);
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("moto_server"))
                .find(|p| p.is_file())
        })
        .ok_or(SandboxError::NotInstalled)
}

/// How to run moto_server's Python: the program and the arguments before the launcher's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Interpreter {
    pub program: PathBuf,
    pub args: Vec<String>,
}

/// The interpreter moto_server was installed for, found from its `#!` line the way the kernel and
/// the shell would: an absolute path (a venv's python), `/usr/bin/env NAME` looked up on `PATH`,
/// or a shim script (pyenv's is `#!/usr/bin/env bash`), which is run as itself with `python` in
/// place of moto_server so that it picks the same interpreter it would have run moto with.
pub(crate) fn interpreter(moto_server: &Path) -> Result<Interpreter, SandboxError> {
    resolve(moto_server, &std::env::var_os("PATH").unwrap_or_default())
}

fn resolve(moto_server: &Path, path_var: &OsStr) -> Result<Interpreter, SandboxError> {
    let script = std::fs::read_to_string(moto_server)
        .map_err(|e| io(format!("reading {}", moto_server.display()), e))?;
    let not_python = |why: &str| SandboxError::Spawn {
        path: moto_server.to_path_buf(),
        source: std::io::Error::other(why.to_string()),
    };
    let line = script
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("#!"))
        .ok_or_else(|| not_python("it doesn't start with a #! line"))?;
    let mut words = line.split_whitespace();
    let first = words
        .next()
        .ok_or_else(|| not_python("its #! line is empty"))?;
    let rest: Vec<&str> = words.collect();
    let (program, args) = if Path::new(first).file_name() == Some("env".as_ref()) {
        // `env [-S] NAME ARGS...`: NAME is looked up on PATH, as env itself does.
        let mut named = rest.iter().copied().filter(|w| !w.starts_with('-'));
        let name = named
            .next()
            .ok_or_else(|| not_python("its #! line runs env without a program"))?;
        let found = on_path(name, path_var).ok_or_else(|| {
            not_python(&format!(
                "its #! line asks for {name}, which is not on PATH"
            ))
        })?;
        (found, named.map(String::from).collect::<Vec<_>>())
    } else {
        (
            PathBuf::from(first),
            rest.iter().map(|s| s.to_string()).collect(),
        )
    };
    if !program.is_absolute() {
        return Err(not_python("its #! line names no absolute path"));
    }
    let is_python = program
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("python"));
    if is_python {
        return Ok(Interpreter { program, args });
    }
    // A shim (a shell script that execs the real interpreter): ask it which Python it runs.
    shim_python(moto_server, path_var).ok_or_else(|| {
        not_python(&format!(
            "its #! line runs {}, which is not Python, and no Python was found beside it",
            program.display()
        ))
    })
}

/// The Python a shim for moto_server would run: pyenv's shims dispatch on the name they are
/// called by, so the `python` shim beside it (or on PATH) gives the same version's interpreter.
fn shim_python(moto_server: &Path, path_var: &OsStr) -> Option<Interpreter> {
    let beside = moto_server.with_file_name("python3");
    let python = if beside.is_file() {
        beside
    } else {
        on_path("python3", path_var)?
    };
    let real = Command::new(&python)
        .args(["-c", "import sys; print(sys.executable)"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| PathBuf::from(s.trim()))
        .filter(|p| p.is_absolute())?;
    Some(Interpreter {
        program: real,
        args: Vec::new(),
    })
}

fn on_path(name: &str, path_var: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path_var)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

#[cfg(all(test, unix))]
mod tests {
    use std::ffi::OsStr;
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use crate::interpreter::{on_path, resolve};

    /// A folder with executable scripts in it, removed after the test.
    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("escala-interp-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }
        fn script(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, text).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            path
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn system_python() -> PathBuf {
        on_path("python3", &std::env::var_os("PATH").unwrap()).expect("python3 on PATH")
    }

    #[test]
    fn an_absolute_line_is_the_interpreter() {
        let dir = Dir::new("absolute");
        let moto = dir.script("moto_server", "#!/opt/venv/bin/python3 -u\nimport moto\n");
        let found = resolve(&moto, OsStr::new("")).unwrap();
        assert_eq!(found.program, PathBuf::from("/opt/venv/bin/python3"));
        assert_eq!(found.args, ["-u"]);
    }

    #[test]
    fn an_env_line_is_looked_up_on_path() {
        let dir = Dir::new("env");
        let bin = Dir::new("env-bin");
        let python = bin.script("python3.12", "#!/bin/sh\n");
        let moto = dir.script("moto_server", "#!/usr/bin/env -S python3.12\nimport moto\n");
        let found = resolve(&moto, bin.0.as_os_str()).unwrap();
        assert_eq!(found.program, python);
        let e = resolve(&moto, OsStr::new("/nonexistent"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("python3.12, which is not on PATH"), "{e}");
    }

    #[test]
    fn a_shim_runs_the_python_its_sibling_shim_runs() {
        // pyenv's shims: bash scripts that exec the selected version's interpreter.
        let shims = Dir::new("shims");
        let real = system_python();
        let moto = shims.script(
            "moto_server",
            "#!/usr/bin/env bash\nexec pyenv exec moto_server \"$@\"\n",
        );
        shims.script(
            "python3",
            &format!("#!/bin/sh\nexec {} \"$@\"\n", real.display()),
        );
        let found = resolve(&moto, &std::env::var_os("PATH").unwrap()).unwrap();
        // The interpreter itself, not a shim (this machine's python3 may be one).
        let executable = Command::new(&real)
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .unwrap();
        let executable = PathBuf::from(String::from_utf8(executable.stdout).unwrap().trim());
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap();
        assert_eq!(canonical(&found.program), canonical(&executable));
    }

    #[test]
    fn a_script_that_is_not_python_says_so() {
        let dir = Dir::new("not-python");
        let moto = dir.script("moto_server", "#!/bin/sh\necho\n");
        let e = resolve(&moto, OsStr::new("/nonexistent"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("runs /bin/sh, which is not Python"), "{e}");
        let bare = dir.script("bare", "import moto\n");
        let e = resolve(&bare, OsStr::new("")).unwrap_err().to_string();
        assert!(e.contains("doesn't start with a #! line"), "{e}");
    }
}

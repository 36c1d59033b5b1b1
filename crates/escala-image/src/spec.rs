//! What an image is made of: the program (one binary per architecture), where it goes, how it runs,
//! and the files that ship beside it.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSpec {
    /// One ELF binary per architecture; the architecture is read from each file's header. One
    /// binary makes a single-platform image, several make an image index.
    pub binaries: Vec<PathBuf>,
    /// Absolute path of the binary inside the image; it is the image's entrypoint.
    pub entrypoint: String,
    /// Arguments after the entrypoint (the config's `Cmd`).
    pub args: Vec<String>,
    /// Environment set in the image config, after a standard `PATH`.
    pub env: Vec<(String, String)>,
    /// TCP ports the program listens on.
    pub ports: Vec<u16>,
    pub user: User,
    /// Host directories copied into the image, such as the chat server's web client.
    pub trees: Vec<Tree>,
    /// A CA bundle to install at /etc/ssl/certs/ca-certificates.crt, for a program that makes TLS
    /// connections. None leaves certificates out: the chat server speaks plain Redis and HTTP.
    pub ca_bundle: Option<PathBuf>,
}

impl BuildSpec {
    /// A spec for one program run as the unprivileged user, with nothing else in the image.
    pub fn new(binary: impl Into<PathBuf>, entrypoint: impl Into<String>) -> Self {
        BuildSpec {
            binaries: vec![binary.into()],
            entrypoint: entrypoint.into(),
            args: Vec::new(),
            env: Vec::new(),
            ports: Vec::new(),
            user: User::nonroot(),
            trees: Vec::new(),
            ca_bundle: None,
        }
    }
}

/// The user the program runs as; it gets its lines in /etc/passwd and /etc/group and a home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

impl User {
    /// 65532 is the unprivileged user distroless images run as, so platform policies written
    /// for those images (run as non-root, numeric uid) accept this one too.
    pub fn nonroot() -> Self {
        User {
            name: "nonroot".into(),
            uid: 65532,
            gid: 65532,
        }
    }
}

/// A host directory and the absolute path its contents get in the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    pub source: PathBuf,
    pub target: String,
}

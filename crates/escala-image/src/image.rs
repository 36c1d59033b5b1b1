//! Assembling an image from a [`BuildSpec`]: per architecture a base layer (loader, libraries,
//! users), the copied trees, and the program, then the config and the manifest; an index on top
//! when there are several architectures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::arch::Arch;
use crate::blob::Blob;
use crate::elf::{self, ElfInfo};
use crate::error::ImageError;
use crate::layer::{self, Entry, Layer};
use crate::libs::{self, LibraryDirs};
use crate::spec::BuildSpec;
use crate::{base, config, manifest, tree};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    platforms: Vec<PlatformImage>,
    index: Option<Blob>,
}

/// One architecture's image: its layers (base, then files when there are trees, then app), its
/// config and the manifest that lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformImage {
    pub arch: Arch,
    pub layers: Vec<Layer>,
    pub config: Blob,
    pub manifest: Blob,
}

impl Image {
    /// Sorted by architecture.
    pub fn platforms(&self) -> &[PlatformImage] {
        &self.platforms
    }

    /// The image index, present when the image has several platforms.
    pub fn index(&self) -> Option<&Blob> {
        self.index.as_ref()
    }

    /// What a tag points at: the index, or the single platform's manifest.
    pub fn top(&self) -> &Blob {
        self.index
            .as_ref()
            .unwrap_or_else(|| &self.platforms[0].manifest)
    }

    /// The digest a pull by tag resolves to.
    pub fn digest(&self) -> &str {
        self.top().digest()
    }

    /// Layers and configs, each distinct blob once (platforms share the files layer), as
    /// `(what it is, blob)`.
    pub fn blobs(&self) -> Vec<(String, &Blob)> {
        let mut seen = std::collections::HashSet::new();
        let mut blobs = Vec::new();
        for platform in &self.platforms {
            let layers = platform
                .layers
                .iter()
                .map(|l| (format!("layer {} ({})", l.name, platform.arch), &l.blob));
            let config = std::iter::once((format!("config ({})", platform.arch), &platform.config));
            for (what, blob) in layers.chain(config) {
                if seen.insert(blob.digest()) {
                    blobs.push((what, blob));
                }
            }
        }
        blobs
    }

    /// What a registry stores for the image: every distinct blob and every manifest.
    pub fn size(&self) -> u64 {
        let blobs: u64 = self.blobs().iter().map(|(_, b)| b.size()).sum();
        let manifests: u64 = self.platforms.iter().map(|p| p.manifest.size()).sum();
        blobs + manifests + self.index.as_ref().map_or(0, Blob::size)
    }
}

/// Builds the image in memory. Nothing is downloaded: the libraries come from this machine.
pub fn build(spec: &BuildSpec) -> Result<Image, ImageError> {
    if spec.binaries.is_empty() {
        return Err(ImageError::Spec {
            reason: "no binary given".into(),
        });
    }
    let mut programs: BTreeMap<Arch, (PathBuf, Vec<u8>, ElfInfo)> = BTreeMap::new();
    for path in &spec.binaries {
        let bytes = read_binary(path)?;
        let info = elf::parse(path, &bytes)?;
        let arch =
            Arch::from_elf_machine(info.machine).ok_or_else(|| ImageError::UnsupportedMachine {
                path: path.clone(),
                machine: goblin::elf::header::machine_to_str(info.machine).to_owned(),
            })?;
        if let Some((first, ..)) = programs.insert(arch, (path.clone(), bytes, info)) {
            return Err(ImageError::DuplicateArch {
                arch: arch.to_string(),
                first,
                second: path.clone(),
            });
        }
    }

    // The same bytes for every platform, so the registry stores the layer once.
    let files = if spec.trees.is_empty() {
        None
    } else {
        let mut entries = Vec::new();
        for t in &spec.trees {
            entries.extend(tree::entries(t)?);
        }
        Some(layer::build("files", entries)?)
    };

    let mut platforms = Vec::new();
    for (arch, (path, bytes, info)) in programs {
        let objects = libs::closure(&path, &info, &LibraryDirs::system(arch))?;
        let mut layers = vec![layer::build(
            "base",
            base::entries(&spec.user, &objects, spec.ca_bundle.as_deref())?,
        )?];
        layers.extend(files.clone());
        // Root-owned and not writable by the user it runs as.
        layers.push(layer::build(
            "app",
            vec![Entry::file(spec.entrypoint.clone(), 0o755, bytes)],
        )?);
        let diff_ids: Vec<String> = layers.iter().map(|l| l.diff_id.clone()).collect();
        let config = config::blob(arch, spec, &diff_ids);
        let manifest = manifest::manifest(&config, &layers);
        platforms.push(PlatformImage {
            arch,
            layers,
            config,
            manifest,
        });
    }
    let index = (platforms.len() > 1).then(|| {
        let manifests: Vec<(Arch, &Blob)> =
            platforms.iter().map(|p| (p.arch, &p.manifest)).collect();
        manifest::index(&manifests)
    });
    Ok(Image { platforms, index })
}

fn read_binary(path: &Path) -> Result<Vec<u8>, ImageError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => std::fs::read(path).map_err(|source| ImageError::Read {
            path: path.to_owned(),
            source,
        }),
        Ok(_) => Err(ImageError::NoBinary {
            path: path.to_owned(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ImageError::NoBinary {
            path: path.to_owned(),
        }),
        Err(source) => Err(ImageError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A small dynamic program every Debian machine has (coreutils is essential).
    const TRUE: &str = "/usr/bin/true";

    #[test]
    fn two_builds_of_the_same_input_have_the_same_manifest_digest() {
        let web = tempfile::tempdir().unwrap();
        std::fs::write(web.path().join("index.html"), "<html>").unwrap();
        let spec = BuildSpec::chat_server(TRUE, web.path());
        let first = build(&spec).unwrap();
        // Another copy of the tree, written later: other mtimes and inode order, same image.
        let again = tempfile::tempdir().unwrap();
        std::fs::write(again.path().join("index.html"), "<html>").unwrap();
        let second = build(&BuildSpec::chat_server(TRUE, again.path())).unwrap();
        assert_eq!(first.digest(), second.digest());
        assert_eq!(first, second);

        let platform = &first.platforms()[0];
        assert_eq!(platform.arch, Arch::Amd64);
        let names: Vec<_> = platform.layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["base", "files", "app"]);
        assert!(first.index().is_none());
        assert_eq!(first.top(), &platform.manifest);
        // Three layers and a config, all distinct.
        assert_eq!(first.blobs().len(), 4);

        // A different program is a different image.
        let other = build(&BuildSpec::chat_server("/usr/bin/false", web.path())).unwrap();
        assert_ne!(other.digest(), first.digest());
    }

    #[test]
    fn a_missing_binary_is_named() {
        let err = build(&BuildSpec::new("/nonexistent/app", "/app"))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "build: no binary at /nonexistent/app");
        let dir = tempfile::tempdir().unwrap();
        let err = build(&BuildSpec::new(dir.path(), "/app"))
            .unwrap_err()
            .to_string();
        assert_eq!(err, format!("build: no binary at {}", dir.path().display()));
    }
}

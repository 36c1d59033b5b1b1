//! One image layer: a tar of files, gzipped. Both are made reproducible, so the same files always
//! give the same digests: entries sorted by path, every timestamp 0, owners numeric, a gzip
//! header without time or name, and one fixed compression level.

use std::collections::BTreeMap;
use std::io::Write;

use bytes::Bytes;
use flate2::{Compression, GzBuilder};
use tar::{EntryType, Header};

use crate::blob::{sha256, Blob};
use crate::error::ImageError;

pub(crate) const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// gzip's "unknown" operating system byte: the output must not depend on the builder's OS.
const GZIP_OS_UNKNOWN: u8 = 255;
/// zlib's default: nearly the size of level 9 on binaries at a fraction of the time.
const GZIP_LEVEL: u32 = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// What the layer holds: "base", "files" or "app".
    pub name: &'static str,
    /// `sha256:` of the uncompressed tar, as the image config's `rootfs.diff_ids` lists it.
    pub diff_id: String,
    /// The gzipped tar, as the registry stores it.
    pub blob: Blob,
}

/// A file, directory or symlink at an absolute path in the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub path: String,
    pub mode: u32,
    pub owner: (u32, u32),
    pub kind: EntryKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EntryKind {
    Dir,
    File(Bytes),
    Symlink(String),
}

impl Entry {
    pub(crate) fn dir(path: impl Into<String>, mode: u32) -> Self {
        Entry {
            path: path.into(),
            mode,
            owner: (0, 0),
            kind: EntryKind::Dir,
        }
    }

    pub(crate) fn file(path: impl Into<String>, mode: u32, data: impl Into<Bytes>) -> Self {
        Entry {
            path: path.into(),
            mode,
            owner: (0, 0),
            kind: EntryKind::File(data.into()),
        }
    }

    pub(crate) fn symlink(path: impl Into<String>, target: impl Into<String>) -> Self {
        Entry {
            path: path.into(),
            mode: 0o777,
            owner: (0, 0),
            kind: EntryKind::Symlink(target.into()),
        }
    }
}

pub(crate) fn build(name: &'static str, entries: Vec<Entry>) -> Result<Layer, ImageError> {
    let tar = tar_bytes(name, entries)?;
    let diff_id = sha256(&tar);
    let mut gz = GzBuilder::new()
        .mtime(0)
        .operating_system(GZIP_OS_UNKNOWN)
        .write(Vec::new(), Compression::new(GZIP_LEVEL));
    let gzipped = gz
        .write_all(&tar)
        .and_then(|()| gz.finish())
        .map_err(|source| ImageError::Layer {
            layer: name.into(),
            source,
        })?;
    Ok(Layer {
        name,
        diff_id,
        blob: Blob::new(LAYER_MEDIA_TYPE, gzipped),
    })
}

fn tar_bytes(name: &'static str, entries: Vec<Entry>) -> Result<Vec<u8>, ImageError> {
    // Keyed by the path inside the tar (relative, like every image tool writes it); the map's
    // order is the tar's order, and a directory sorts before everything under it.
    let mut by_path = BTreeMap::new();
    for entry in entries {
        let relative = relative_path(&entry.path).ok_or_else(|| ImageError::Spec {
            reason: format!(
                "{} in layer {name} is not a normalized absolute path",
                entry.path
            ),
        })?;
        if let Some(earlier) = by_path.insert(relative.clone(), entry) {
            return Err(ImageError::Spec {
                reason: format!("layer {name} has {} twice", earlier.path),
            });
        }
    }
    // Every parent directory gets its own entry, or extractors would make it with their own
    // umask and owner.
    let parents: Vec<String> = by_path
        .keys()
        .flat_map(|path| {
            path.match_indices('/')
                .map(|(i, _)| path[..i].to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    for parent in parents {
        by_path
            .entry(parent.clone())
            .or_insert_with(|| Entry::dir(format!("/{parent}"), 0o755));
    }

    let io_error = |source| ImageError::Layer {
        layer: name.into(),
        source,
    };
    let mut builder = tar::Builder::new(Vec::new());
    for (path, entry) in &by_path {
        let mut header = Header::new_gnu();
        header.set_mtime(0);
        header.set_uid(entry.owner.0.into());
        header.set_gid(entry.owner.1.into());
        header.set_mode(entry.mode);
        match &entry.kind {
            EntryKind::Dir => {
                header.set_entry_type(EntryType::Directory);
                header.set_size(0);
                builder
                    .append_data(&mut header, format!("{path}/"), std::io::empty())
                    .map_err(io_error)?;
            }
            EntryKind::File(data) => {
                header.set_entry_type(EntryType::Regular);
                header.set_size(data.len() as u64);
                builder
                    .append_data(&mut header, path, data.as_ref())
                    .map_err(io_error)?;
            }
            EntryKind::Symlink(target) => {
                header.set_entry_type(EntryType::Symlink);
                header.set_size(0);
                builder
                    .append_link(&mut header, path, target)
                    .map_err(io_error)?;
            }
        }
    }
    builder.into_inner().map_err(io_error)
}

/// `/usr/lib/x` → `usr/lib/x`; None for a relative path, `.`/`..` parts, empty parts or `/` itself.
fn relative_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix('/')?;
    let normal = !rest.is_empty()
        && rest
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    normal.then(|| rest.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    fn entries() -> Vec<Entry> {
        vec![
            Entry::file("/usr/local/bin/app", 0o755, b"\x7fELF".to_vec()),
            Entry::dir("/tmp", 0o1777),
            Entry::file(
                "/etc/passwd",
                0o644,
                b"root:x:0:0::/:/sbin/nologin\n".to_vec(),
            ),
            Entry::symlink("/lib64/ld.so", "/lib/ld.so"),
        ]
    }

    fn listing(layer: &Layer) -> Vec<(String, u32, u64, u64, u64)> {
        let mut tar = Vec::new();
        GzDecoder::new(layer.blob.data().as_ref())
            .read_to_end(&mut tar)
            .unwrap();
        assert_eq!(sha256(&tar), layer.diff_id);
        let mut archive = tar::Archive::new(tar.as_slice());
        archive
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let h = e.header();
                (
                    e.path().unwrap().display().to_string(),
                    h.mode().unwrap(),
                    h.mtime().unwrap(),
                    h.uid().unwrap(),
                    h.gid().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn entries_are_sorted_with_their_parents_and_carry_no_time_or_host_owner() {
        let layer = build("test", entries()).unwrap();
        let paths: Vec<_> = listing(&layer).into_iter().map(|e| e.0).collect();
        assert_eq!(
            paths,
            [
                "etc/",
                "etc/passwd",
                "lib64/",
                "lib64/ld.so",
                "tmp/",
                "usr/",
                "usr/local/",
                "usr/local/bin/",
                "usr/local/bin/app"
            ]
        );
        for (path, mode, mtime, uid, gid) in listing(&layer) {
            assert_eq!((mtime, uid, gid), (0, 0, 0), "{path}");
            let expected = match path.as_str() {
                "tmp/" => 0o1777,
                "etc/passwd" => 0o644,
                "lib64/ld.so" => 0o777,
                _ => 0o755,
            };
            assert_eq!(mode, expected, "{path}");
        }
    }

    #[test]
    fn the_same_files_in_any_order_give_the_same_digests() {
        let a = build("test", entries()).unwrap();
        let mut reversed = entries();
        reversed.reverse();
        let b = build("test", reversed).unwrap();
        assert_eq!(a, b);
        // The gzip header: no mtime (bytes 4..8), "unknown" OS (byte 9).
        assert_eq!(&a.blob.data()[4..8], &[0, 0, 0, 0]);
        assert_eq!(a.blob.data()[9], GZIP_OS_UNKNOWN);
        assert_eq!(a.blob.media_type(), LAYER_MEDIA_TYPE);
    }

    #[test]
    fn a_path_given_twice_or_not_absolute_is_refused() {
        let mut twice = entries();
        twice.push(Entry::dir("/tmp", 0o755));
        let err = build("base", twice).unwrap_err().to_string();
        assert_eq!(err, "build: layer base has /tmp twice");
        let err = build("base", vec![Entry::dir("tmp/../etc", 0o755)])
            .unwrap_err()
            .to_string();
        assert!(err.contains("tmp/../etc in layer base is not a normalized absolute path"));
    }
}

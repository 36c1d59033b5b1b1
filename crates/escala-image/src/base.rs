//! The base layer: what a distroless base gives a program and nothing more. The loader and the
//! libraries the program links, the user it runs as, name-service configuration when it uses
//! glibc, CA certificates when asked for, and a world-writable /tmp.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::ImageError;
use crate::layer::Entry;
use crate::libs::SharedObject;
use crate::spec::User;

/// glibc reads it for every user, group and host lookup; without it, hosts are looked up in DNS
/// before /etc/hosts, so a name the runtime puts in /etc/hosts could resolve elsewhere.
const NSSWITCH: &str = "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n";

/// Where Debian, and the TLS stacks built for it, look for the CA bundle.
pub(crate) const CA_BUNDLE_PATH: &str = "/etc/ssl/certs/ca-certificates.crt";

pub(crate) fn entries(
    user: &User,
    objects: &[SharedObject],
    ca_bundle: Option<&Path>,
) -> Result<Vec<Entry>, ImageError> {
    let mut entries = vec![
        Entry::file("/etc/passwd", 0o644, passwd(user)),
        Entry::file("/etc/group", 0o644, group(user)),
        Entry::dir("/tmp", 0o1777),
    ];
    if user.uid != 0 {
        entries.push(Entry {
            owner: (user.uid, user.gid),
            ..Entry::dir(home(user), 0o700)
        });
    }
    if objects.iter().any(|o| o.image_path.ends_with("/libc.so.6")) {
        entries.push(Entry::file("/etc/nsswitch.conf", 0o644, NSSWITCH));
    }
    if let Some(path) = ca_bundle {
        entries.push(Entry::file(CA_BUNDLE_PATH, 0o644, read(path)?));
    }
    // One copy of each host file: the first of its image paths holds it and the others link to
    // that one, as the loader's two names do on Debian.
    let mut first_path: BTreeMap<&PathBuf, &str> = BTreeMap::new();
    for object in objects {
        match first_path.get(&object.source) {
            Some(target) => entries.push(Entry::symlink(object.image_path.clone(), *target)),
            None => {
                first_path.insert(&object.source, &object.image_path);
                entries.push(Entry::file(
                    object.image_path.clone(),
                    0o755,
                    read(&object.source)?,
                ));
            }
        }
    }
    Ok(entries)
}

fn read(path: &Path) -> Result<Vec<u8>, ImageError> {
    std::fs::read(path).map_err(|source| ImageError::Read {
        path: path.to_owned(),
        source,
    })
}

fn home(user: &User) -> String {
    format!("/home/{}", user.name)
}

fn passwd(user: &User) -> String {
    let mut text = String::from("root:x:0:0:root:/root:/sbin/nologin\n");
    if user.uid != 0 {
        text.push_str(&format!(
            "{name}:x:{uid}:{gid}:{name}:{home}:/sbin/nologin\n",
            name = user.name,
            uid = user.uid,
            gid = user.gid,
            home = home(user)
        ));
    }
    text
}

fn group(user: &User) -> String {
    let mut text = String::from("root:x:0:\n");
    if user.gid != 0 {
        text.push_str(&format!("{}:x:{}:\n", user.name, user.gid));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::EntryKind;

    fn object(image_path: &str, source: &str) -> SharedObject {
        SharedObject {
            image_path: image_path.into(),
            source: source.into(),
        }
    }

    #[test]
    fn the_user_gets_passwd_group_and_an_owned_home() {
        let entries = entries(&User::nonroot(), &[], None).unwrap();
        let file = |path: &str| match &entries.iter().find(|e| e.path == path).unwrap().kind {
            EntryKind::File(data) => String::from_utf8(data.to_vec()).unwrap(),
            other => panic!("{path} is {other:?}"),
        };
        assert_eq!(
            file("/etc/passwd"),
            "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
        );
        assert_eq!(file("/etc/group"), "root:x:0:\nnonroot:x:65532:\n");
        let home = entries.iter().find(|e| e.path == "/home/nonroot").unwrap();
        assert_eq!((home.owner, home.mode), ((65532, 65532), 0o700));
        // No libc, no CA bundle asked for: neither file is there.
        assert!(!entries
            .iter()
            .any(|e| e.path == "/etc/nsswitch.conf" || e.path == CA_BUNDLE_PATH));
    }

    #[test]
    fn one_host_file_under_two_names_is_stored_once_and_linked() {
        let libc = "/lib/x86_64-linux-gnu/libc.so.6";
        let loader = "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2";
        let objects = [
            object(loader, loader),
            object(libc, libc),
            object("/lib64/ld-linux-x86-64.so.2", loader),
        ];
        let entries = entries(&User::nonroot(), &objects, None).unwrap();
        let kind = |path: &str| &entries.iter().find(|e| e.path == path).unwrap().kind;
        assert!(matches!(kind(loader), EntryKind::File(_)));
        assert_eq!(
            kind("/lib64/ld-linux-x86-64.so.2"),
            &EntryKind::Symlink(loader.into())
        );
        assert!(entries.iter().any(|e| e.path == "/etc/nsswitch.conf"));
    }
}

//! Building through the public API: images for two architectures, and binaries refused by
//! architecture.

#[path = "support/elf.rs"]
mod elf;

use escala_image::{build, Arch, BuildSpec, ImageError};

const EM_RISCV: u16 = 243;

fn write_binary(dir: &tempfile::TempDir, name: &str, machine: u16) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, elf::static_executable(machine)).unwrap();
    path
}

#[test]
fn an_amd64_and_an_arm64_binary_make_an_index_of_two_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let arm = write_binary(&dir, "app-arm64", elf::EM_AARCH64);
    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), "<html>").unwrap();
    let mut spec = BuildSpec::chat_server(&arm, web.path());
    // Given arm64 first: the index still lists amd64 first.
    spec.binaries.push("/usr/bin/true".into());

    let image = build(&spec).unwrap();
    let arches: Vec<Arch> = image.platforms().iter().map(|p| p.arch).collect();
    assert_eq!(arches, [Arch::Amd64, Arch::Arm64]);
    let index = image.index().expect("two platforms make an index");
    assert_eq!(image.digest(), index.digest());
    assert_eq!(
        index.media_type(),
        "application/vnd.oci.image.index.v1+json"
    );
    let json: serde_json::Value = serde_json::from_slice(index.data()).unwrap();
    for (entry, platform) in json["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .zip(image.platforms())
    {
        assert_eq!(entry["digest"], platform.manifest.digest());
        assert_eq!(entry["platform"]["architecture"], platform.arch.oci_name());
    }

    let [amd, arm] = image.platforms() else {
        panic!("two platforms")
    };
    // The web client is one layer for both; the bases differ (the static arm64 program needs
    // no libraries, so its base is only users and /tmp).
    assert_eq!(amd.layers[1].blob, arm.layers[1].blob);
    assert_ne!(amd.layers[0].blob, arm.layers[0].blob);
    assert!(arm.layers[0].blob.size() < 1024, "{:?}", arm.layers[0]);
    assert!(amd.layers[0].blob.size() > 500_000, "libc is in it");
    // Listed once: two bases, one files layer, two apps, two configs.
    assert_eq!(image.blobs().len(), 7);
    assert_eq!(build(&spec).unwrap().digest(), image.digest());
}

#[test]
fn a_binary_for_another_machine_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let riscv = write_binary(&dir, "app-riscv", EM_RISCV);
    let err = build(&BuildSpec::new(&riscv, "/app")).unwrap_err();
    assert!(matches!(err, ImageError::UnsupportedMachine { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "build: {} is for machine RISCV, and images are made for amd64 and arm64 only",
            riscv.display()
        )
    );
}

#[test]
fn two_binaries_for_one_architecture_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let one = write_binary(&dir, "one", elf::EM_AARCH64);
    let two = write_binary(&dir, "two", elf::EM_AARCH64);
    let mut spec = BuildSpec::new(&one, "/app");
    spec.binaries.push(two.clone());
    let err = build(&spec).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "build: {} and {} are both linux/arm64 binaries; give one binary per architecture",
            one.display(),
            two.display()
        )
    );
}

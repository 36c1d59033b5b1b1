//! Against a real registry (Debian's docker-registry, distribution 2.8): push, pull every byte
//! back, re-push nothing, run the image's entrypoint from its unpacked layers with a real Redis
//! and the official socket.io client, and the refusals a push can meet.

mod support;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use escala_image::{
    build, push, sha256, Auth, BlobState, BuildSpec, Image, ImageError, Progress, PushReport,
    Reference,
};
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::manifest::{OciImageIndex, OciImageManifest};
use oci_client::secrets::RegistryAuth;
use oci_client::Client;
use support::{Guard, Redis, Registry};

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const INDEX: &str = "application/vnd.oci.image.index.v1+json";

fn reference(registry: &Registry, name: &str) -> Reference {
    format!("{}/{name}", registry.host).parse().unwrap()
}

fn puller(registry: &Registry) -> Client {
    Client::new(ClientConfig {
        protocol: ClientProtocol::HttpsExcept(vec![registry.host.clone()]),
        ..ClientConfig::default()
    })
}

async fn push_recording(
    image: &Image,
    target: &Reference,
    auth: &Auth,
) -> (Result<PushReport, ImageError>, Vec<Progress>, Duration) {
    let mut events = Vec::new();
    let start = Instant::now();
    let result = push(image, target, auth, |p| events.push(p)).await;
    (result, events, start.elapsed())
}

/// Every uploaded blob was reported from 0 up to its size, never going back; nothing else was.
fn assert_progress(report: &PushReport, events: &[Progress]) {
    for blob in &report.blobs {
        let sent: Vec<u64> = events
            .iter()
            .filter(|e| e.digest == blob.digest)
            .inspect(|e| assert_eq!(e.total, blob.bytes))
            .map(|e| e.sent)
            .collect();
        match blob.state {
            BlobState::Uploaded => {
                assert_eq!(sent.first(), Some(&0), "{}", blob.what);
                assert_eq!(sent.last(), Some(&blob.bytes), "{}", blob.what);
                assert!(sent.windows(2).all(|w| w[0] <= w[1]), "{sent:?}");
            }
            BlobState::AlreadyPresent => assert!(sent.is_empty(), "{}", blob.what),
        }
    }
}

/// Pulls the manifest and every blob it names back, and checks each against the digest it was
/// pushed under and against the image built here.
async fn assert_pulls_back(
    registry: &Registry,
    target: &Reference,
    image: &Image,
    auth: &RegistryAuth,
) {
    let client = puller(registry);
    let (top, digest) = client
        .pull_manifest_raw(target, auth, &[MANIFEST, INDEX])
        .await
        .unwrap();
    assert_eq!(digest, image.digest());
    assert_eq!(sha256(&top), image.digest());
    assert_eq!(&top, image.top().data());

    for platform in image.platforms() {
        let by_digest = Reference::with_digest(
            target.registry().to_owned(),
            target.repository().to_owned(),
            platform.manifest.digest().to_owned(),
        );
        let (bytes, _) = client
            .pull_manifest_raw(&by_digest, auth, &[MANIFEST])
            .await
            .unwrap();
        assert_eq!(sha256(&bytes), platform.manifest.digest());
        let manifest: OciImageManifest = serde_json::from_slice(&bytes).unwrap();

        let config = pull_blob(&client, target, &manifest.config.digest).await;
        assert_eq!(&config, platform.config.data());
        let config: serde_json::Value = serde_json::from_slice(&config).unwrap();
        let diff_ids = config["rootfs"]["diff_ids"].as_array().unwrap();
        assert_eq!(diff_ids.len(), manifest.layers.len());

        for ((descriptor, diff_id), layer) in
            manifest.layers.iter().zip(diff_ids).zip(&platform.layers)
        {
            let blob = pull_blob(&client, target, &descriptor.digest).await;
            assert_eq!(sha256(&blob), descriptor.digest);
            assert_eq!(blob.len() as i64, descriptor.size);
            assert_eq!(&blob, layer.blob.data());
            let mut tar = Vec::new();
            flate2::read::GzDecoder::new(blob.as_slice())
                .read_to_end(&mut tar)
                .unwrap();
            assert_eq!(sha256(&tar), diff_id.as_str().unwrap());
        }
    }
}

async fn pull_blob(client: &Client, target: &Reference, digest: &str) -> Vec<u8> {
    let mut out = Vec::new();
    client.pull_blob(target, digest, &mut out).await.unwrap();
    assert_eq!(sha256(&out), digest);
    out
}

fn unpack(image: &Image, root: &Path) {
    for layer in &image.platforms()[0].layers {
        let mut archive =
            tar::Archive::new(flate2::read::GzDecoder::new(layer.blob.data().as_ref()));
        archive.set_preserve_permissions(true);
        archive.set_preserve_ownerships(true);
        archive.unpack(root).unwrap();
    }
}

fn config_of(image: &Image) -> serde_json::Value {
    serde_json::from_slice(image.platforms()[0].config.data()).unwrap()
}

/// The entrypoint, as the config names it, run inside the unpacked root as the config's user,
/// with the config's environment and nothing of this process's.
fn run_entrypoint(root: &Path, config: &serde_json::Value, extra_env: &[(&str, String)]) -> Guard {
    let chroot = support::require("/usr/sbin/chroot", "coreutils");
    let run = &config["config"];
    let entrypoint: Vec<&str> = run["Entrypoint"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut command = Command::new(chroot);
    command
        .arg(format!("--userspec={}", run["User"].as_str().unwrap()))
        .arg(root)
        .args(&entrypoint)
        .env_clear();
    for pair in run["Env"].as_array().unwrap() {
        let (name, value) = pair.as_str().unwrap().split_once('=').unwrap();
        command.env(name, value);
    }
    for (name, value) in extra_env {
        command.env(name, value);
    }
    let log = root.with_extension("log");
    let out = std::fs::File::create(&log).unwrap();
    let child = command
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap();
    Guard { child, log }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_chat_image_pushes_pulls_back_and_serves_the_official_client_from_its_layers() {
    let binary = support::chat_server_binary();
    let web_dist = support::workload_dir().join("web/dist");
    assert!(
        web_dist.join("index.html").is_file(),
        "{} is not built: run workload/scripts/setup.sh",
        web_dist.display()
    );
    let node_modules = support::workload_dir().join("web/node_modules");
    assert!(
        node_modules.join("socket.io-client").is_dir(),
        "{} has no socket.io-client: run workload/scripts/setup.sh",
        node_modules.display()
    );
    let node = support::require("node", "nodejs");
    let registry = Registry::start();

    let started = Instant::now();
    let image = build(&BuildSpec::chat_server(&binary, &web_dist)).unwrap();
    let build_time = started.elapsed();
    let again = build(&BuildSpec::chat_server(&binary, &web_dist)).unwrap();
    assert_eq!(again.digest(), image.digest(), "two builds, one digest");

    let target = reference(&registry, "escala-chat:test");
    let (cold, events, cold_time) = push_recording(&image, &target, &Auth::Anonymous).await;
    let cold = cold.unwrap_or_else(|e| panic!("{e}\nregistry log:\n{}", registry.log_text()));
    assert_eq!(cold.digest, image.digest());
    assert!(
        cold.blobs.iter().all(|b| b.state == BlobState::Uploaded),
        "{cold:?}"
    );
    let whats: Vec<&str> = cold.blobs.iter().map(|b| b.what.as_str()).collect();
    assert_eq!(
        whats,
        [
            "layer base (linux/amd64)",
            "layer files (linux/amd64)",
            "layer app (linux/amd64)",
            "config (linux/amd64)"
        ]
    );
    assert_progress(&cold, &events);
    assert_pulls_back(&registry, &target, &image, &RegistryAuth::Anonymous).await;

    let (warm, events, warm_time) = push_recording(&image, &target, &Auth::Anonymous).await;
    let warm = warm.unwrap();
    assert!(
        warm.blobs
            .iter()
            .all(|b| b.state == BlobState::AlreadyPresent),
        "{warm:?}"
    );
    assert_eq!(warm.uploaded_bytes(), 0);
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(warm.digest, cold.digest);

    let sizes: BTreeMap<&str, (u64, u64)> = image.platforms()[0]
        .layers
        .iter()
        .map(|l| {
            let mut tar = Vec::new();
            flate2::read::GzDecoder::new(l.blob.data().as_ref())
                .read_to_end(&mut tar)
                .unwrap();
            (l.name, (l.blob.size(), tar.len() as u64))
        })
        .collect();
    eprintln!(
        "chat image {}: {} bytes in the registry (layers gzipped/tar: {sizes:?}); binary {} bytes; \
         build {build_time:?}; push cold {cold_time:?} ({} bytes uploaded), warm {warm_time:?} (0 bytes)",
        image.digest(),
        image.size(),
        std::fs::metadata(&binary).unwrap().len(),
        cold.uploaded_bytes(),
    );

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("rootfs");
    std::fs::create_dir(&root).unwrap();
    unpack(&image, &root);
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let tmp = std::fs::metadata(root.join("tmp")).unwrap();
        assert_eq!(tmp.permissions().mode() & 0o7777, 0o1777);
        let home = std::fs::metadata(root.join("home/nonroot")).unwrap();
        assert_eq!((home.uid(), home.gid()), (65532, 65532));
        assert_eq!(
            std::fs::read_link(root.join("lib64/ld-linux-x86-64.so.2")).unwrap(),
            Path::new("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        );
    }

    let redis = Redis::start();
    let port = support::free_port();
    let config = config_of(&image);
    assert_eq!(
        config["config"]["ExposedPorts"],
        serde_json::json!({"3000/tcp": {}})
    );
    let mut server = run_entrypoint(
        &root,
        &config,
        &[
            ("REDIS_URL", redis.url.clone()),
            ("ESCALA_CHAT_HOST", "127.0.0.1".into()),
            ("ESCALA_CHAT_PORT", port.to_string()),
            ("ESCALA_CHAT_INSTANCE_ID", "image-test".into()),
        ],
    );
    support::wait_for_port(
        port,
        Duration::from_secs(30),
        "the chat server in the image",
        || {
            let alive = server.alive();
            if !alive {
                eprintln!("server log:\n{}", server.log_text());
            }
            alive
        },
    );

    let client = Command::new(node)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/chat_client.cjs"))
        .arg(format!("http://127.0.0.1:{port}"))
        .env("NODE_PATH", &node_modules)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&client.stdout);
    assert!(
        client.status.success(),
        "the socket.io client failed: {}{}\nserver log:\n{}",
        stdout,
        String::from_utf8_lossy(&client.stderr),
        server.log_text()
    );
    assert!(stdout.contains(r#""ok":true"#), "{stdout}");
    // What answered was the image's binary, inside the unpacked root, as the image's user.
    let proc = Path::new("/proc").join(server.child.id().to_string());
    assert_eq!(std::fs::read_link(proc.join("root")).unwrap(), root);
    assert_eq!(
        std::fs::read_link(proc.join("exe")).unwrap(),
        root.join("usr/local/bin/escala-chat")
    );
    let status = std::fs::read_to_string(proc.join("status")).unwrap();
    assert!(
        status
            .lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().skip(1).all(|id| id == "65532")),
        "{status}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_registry_that_refuses_the_credentials_stops_the_push_at_login_with_its_answer() {
    let registry = Registry::with_password("escala", "right-horse-battery");
    let image = build(&BuildSpec::new("/usr/bin/true", "/usr/bin/true")).unwrap();
    let target = reference(&registry, "guarded:v1");

    for (auth, secret) in [
        (
            Auth::basic("escala", "wrong-horse-battery"),
            Some("wrong-horse-battery"),
        ),
        (Auth::Anonymous, None),
    ] {
        let (result, events, _) = push_recording(&image, &target, &auth).await;
        let err = result.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ImageError::AuthRefused { .. }), "{text}");
        assert_eq!(
            text,
            format!(
                "push: the registry {} refused the credentials: HTTP 401 Unauthorized: UNAUTHORIZED authentication required",
                registry.host
            )
        );
        if let Some(secret) = secret {
            assert!(!text.contains(secret) && !format!("{err:?}").contains(secret));
        }
        assert!(events.is_empty(), "nothing was sent: {events:?}");
    }

    let auth = Auth::basic("escala", "right-horse-battery");
    let (result, events, _) = push_recording(&image, &target, &auth).await;
    let report = result.unwrap();
    assert!(report.blobs.iter().all(|b| b.state == BlobState::Uploaded));
    assert_progress(&report, &events);
    let pull_auth = RegistryAuth::Basic("escala".into(), "right-horse-battery".into());
    assert_pulls_back(&registry, &target, &image, &pull_auth).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_two_architecture_image_pushes_its_manifests_then_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let arm = dir.path().join("app-arm64");
    std::fs::write(
        &arm,
        support::elf::static_executable(support::elf::EM_AARCH64),
    )
    .unwrap();
    let mut spec = BuildSpec::new("/usr/bin/true", "/app");
    spec.binaries.push(arm);
    let image = build(&spec).unwrap();
    assert!(image.index().is_some());

    let registry = Registry::start();
    let target = reference(&registry, "multi:v1");
    let (result, events, _) = push_recording(&image, &target, &Auth::Anonymous).await;
    let report = result.unwrap();
    assert_eq!(report.digest, image.index().unwrap().digest());
    assert_eq!(report.blobs.len(), 6, "two bases, two apps, two configs");
    assert_progress(&report, &events);
    assert_pulls_back(&registry, &target, &image, &RegistryAuth::Anonymous).await;
    let (top, _) = puller(&registry)
        .pull_manifest_raw(&target, &RegistryAuth::Anonymous, &[INDEX])
        .await
        .unwrap();
    let index: OciImageIndex = serde_json::from_slice(&top).unwrap();
    assert_eq!(index.manifests.len(), 2);

    let (again, _, _) = push_recording(&image, &target, &Auth::Anonymous).await;
    assert_eq!(again.unwrap().uploaded_bytes(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_listening_is_reported_as_an_unreachable_registry() {
    let port = support::free_port();
    let image = build(&BuildSpec::new("/usr/bin/true", "/app")).unwrap();
    let target: Reference = format!("127.0.0.1:{port}/x:y").parse().unwrap();
    let err = push(&image, &target, &Auth::Anonymous, |_| {})
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "push: cannot reach the registry 127.0.0.1:{port}: "
        )),
        "{text}"
    );
    assert!(text.contains("Connection refused"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manifest_the_registry_refuses_is_named_with_the_registry_answer() {
    let registry = Registry::start();
    let image = build(&BuildSpec::new("/usr/bin/true", "/app")).unwrap();
    // A digest reference that is not the manifest's: the registry checks and refuses it.
    let wrong = format!("sha256:{}", "0".repeat(64));
    let target = reference(&registry, &format!("refused@{wrong}"));
    let err = push(&image, &target, &Auth::Anonymous, |_| {})
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ImageError::Manifest { .. }), "{text}");
    assert!(
        text.starts_with(&format!(
            "push: the registry refused the manifest {}/refused@{wrong}: HTTP 400 Bad Request: DIGEST_INVALID",
            registry.host
        )),
        "{text}"
    );
}

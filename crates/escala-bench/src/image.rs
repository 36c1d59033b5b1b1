//! bench-image: the chat's image, built by Escala and pushed to the sandbox's ECR (a real
//! docker-registry behind moto's ECR API), cold (an empty repository) and warm (every layer
//! already there), each beside a baseline run on the same inputs: `tar | gzip -6` of the same
//! files for the build, and `curl` uploading the same blobs one after another (a monolithic
//! POST + PUT each, as `docker push` does) for the push.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use aws_sdk_ecr::Client as Ecr;
use base64::Engine;
use escala_aws::connect::{sdk_config, Target};
use escala_aws::credentials::KeyringStore;
use escala_core::routes::fargate::Platform;
use escala_image::{Auth, BuildSpec, Image, Reference};
use escala_sandbox::Emulator;

const USAGE: &str = "bench-image [--runs 3]";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The baseline build: the same files in one gzip'd tar, as `docker build` of a `COPY`-only
/// Dockerfile would layer them, by the system's tar and gzip.
fn tar_gzip(binary: &Path, web: &Path, out: &Path) -> Duration {
    let started = Instant::now();
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#"tar -cf - -C "$(dirname "$1")" "$(basename "$1")" -C "$(dirname "$2")" "$(basename "$2")" | gzip -6 > "$3""#)
        .args(["tar-gzip"])
        .arg(binary)
        .arg(web)
        .arg(out)
        .status()
        .expect("sh runs");
    assert!(status.success(), "tar | gzip failed");
    started.elapsed()
}

/// The baseline push: each blob uploaded by `curl` in a monolithic POST + PUT, one after another.
fn curl_push(image: &Image, registry: &str, repository: &str) -> Duration {
    let dir = tempfile::tempdir().expect("a temp dir");
    let blobs: Vec<(String, PathBuf)> = image
        .blobs()
        .into_iter()
        .enumerate()
        .map(|(i, (_, blob))| {
            let path = dir.path().join(format!("blob-{i}"));
            std::fs::write(&path, blob.data()).expect("writing a blob");
            (blob.digest().to_string(), path)
        })
        .collect();
    let started = Instant::now();
    for (digest, path) in &blobs {
        let status = Command::new("sh")
            .arg("-c")
            .arg(r#"loc=$(curl -sS -o /dev/null -D - -X POST "http://$1/v2/$2/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
case "$loc" in *\?*) sep='&' ;; *) sep='?' ;; esac
curl -sS -f -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$4" "$loc${sep}digest=$3""#)
            .args(["curl-push", registry, repository, digest])
            .arg(path)
            .status()
            .expect("sh runs");
        assert!(status.success(), "curl push of {digest} failed");
    }
    started.elapsed()
}

/// One push by Escala: how long it took, and the bytes it uploaded.
async fn timed_push(image: &Image, reference: &Reference, auth: &Auth) -> (Duration, u64) {
    let started = Instant::now();
    let report = escala_image::push(image, reference, auth, |_| {})
        .await
        .expect("the push");
    (started.elapsed(), report.uploaded_bytes())
}

async fn ecr_login(ecr: &Ecr) -> Auth {
    let out = ecr.get_authorization_token().send().await.expect("a token");
    let data = &out.authorization_data()[0];
    let token = base64::engine::general_purpose::STANDARD
        .decode(data.authorization_token().expect("a token"))
        .expect("base64");
    let text = String::from_utf8(token).expect("utf-8");
    let (user, password) = text.split_once(':').expect("user:password");
    Auth::basic(user, password)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let runs = escala_bench::flags::Flags::runs_only(USAGE, 3);
    let (binary, web) = escala_aws::routes::fargate::chat_parts(Platform::LinuxAmd64)
        .expect("the chat's parts (scripts/bench.sh builds and names them)");
    let emulator = Emulator::start().expect("the emulator starts (run scripts/setup.sh)");
    let config = sdk_config(
        &Target::sandbox(emulator.endpoint()),
        "us-east-1",
        &KeyringStore::new("unused"),
    )
    .await
    .expect("config");
    let ecr = Ecr::new(&config);
    let scratch = tempfile::tempdir().expect("a temp dir");

    let (mut builds, mut tars) = (Vec::new(), Vec::new());
    let mut image = None;
    for _ in 0..runs {
        let started = Instant::now();
        let built = escala_image::build(&BuildSpec::chat_server(&binary, &web)).expect("builds");
        builds.push(started.elapsed());
        if let Some(previous) = &image {
            let previous: &Image = previous;
            assert_eq!(previous.digest(), built.digest(), "same input, same digest");
        }
        image = Some(built);
        tars.push(tar_gzip(
            &binary,
            &web,
            &scratch.path().join("baseline.tar.gz"),
        ));
    }
    let image = image.expect("one run at least");
    let tar_size = std::fs::metadata(scratch.path().join("baseline.tar.gz"))
        .expect("the baseline's tar")
        .len();

    let (mut colds, mut warms, mut curls) = (Vec::new(), Vec::new(), Vec::new());
    let (mut cold_bytes, mut warm_bytes) = (0, 0);
    let auth = ecr_login(&ecr).await;
    for i in 0..runs {
        let name = format!("bench-image-{i}");
        let repo = ecr
            .create_repository()
            .repository_name(&name)
            .send()
            .await
            .expect("a repository");
        let uri = repo
            .repository()
            .and_then(|r| r.repository_uri())
            .expect("its URI")
            .to_string();
        let reference: Reference = format!("{uri}:bench").parse().expect("a reference");
        let (took, bytes) = timed_push(&image, &reference, &auth).await;
        colds.push(took);
        cold_bytes = bytes;
        let (took, bytes) = timed_push(&image, &reference, &auth).await;
        warms.push(took);
        warm_bytes = bytes;

        let registry = uri.split('/').next().expect("a host").to_string();
        curls.push(curl_push(&image, &registry, &format!("bench-curl-{i}")));
    }

    let (build, tar) = (median(builds), median(tars));
    let (cold, warm, curl) = (median(colds), median(warms), median(curls));
    let layers = image
        .platforms()
        .iter()
        .map(|p| p.layers.len())
        .sum::<usize>();
    println!("runs: {runs} (medians below)");
    println!(
        "image: {} layers + config + manifest, {:.1} MiB compressed ({} B); baseline tar.gz {:.1} MiB",
        layers,
        mib(image.size()),
        image.size(),
        mib(tar_size)
    );
    println!(
        "build:       escala {:>7.0} ms | tar|gzip -6 {:>7.0} ms | ratio {:.2}x",
        ms(build),
        ms(tar),
        ms(build) / ms(tar)
    );
    println!(
        "push cold:   escala {:>7.0} ms, {:.1} MiB sent | curl, same blobs {:>7.0} ms | ratio {:.2}x",
        ms(cold),
        mib(cold_bytes),
        ms(curl),
        ms(cold) / ms(curl)
    );
    println!(
        "push warm:   escala {:>7.0} ms, {} B sent (every layer already there) | vs cold {:.3}x",
        ms(warm),
        warm_bytes,
        ms(warm) / ms(cold)
    );
}

//! The app's updates against a locally served release feed: an update signed by another key than
//! the one the build trusts is refused and nothing is installed, and the same update signed by the
//! trusted key is accepted (so the refusal is the signature's doing, not a broken feed). The keys
//! are made on the spot; a real release's private key lives only in the release workflow's secrets.

use std::io::{BufRead, BufReader, Cursor, Write};
use std::net::TcpListener;

use base64::Engine;
use minisign::KeyPair;
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::App;

use escala_desktop::error::AppError;
use escala_desktop::service::updates::{self, UpdateCheck};

const NEW_VERSION: &str = "9.0.0";
const PACKAGE: &[u8] = b"the bytes of Escala 9.0.0's update bundle";

fn b64(text: String) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The public key as `plugins.updater.pubkey` holds it: minisign's key file, in base64.
fn pubkey(key: &KeyPair) -> String {
    b64(key.pk.to_box().unwrap().into_string())
}

/// The signature as the Tauri CLI writes it beside a bundle (`.sig`), naming the version signed.
fn signature(key: &KeyPair, version: &str) -> String {
    let comment = format!("timestamp:0\tfile:escala.tar.gz\tversion:{version}");
    let sig = minisign::sign(
        Some(&key.pk),
        &key.sk,
        Cursor::new(PACKAGE),
        Some(&comment),
        None,
    );
    b64(sig.unwrap().into_string())
}

/// Serves the feed (`/latest.json`) and the bundle on loopback, one connection after another,
/// for as long as the test runs; returns the feed's URL.
fn serve_feed(signature: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let feed = serde_json::json!({
        "version": NEW_VERSION,
        "notes": "Faster plans",
        "pub_date": "2026-12-01T00:00:00Z",
        "platforms": {
            format!("linux-{}", std::env::consts::ARCH): {
                "url": format!("{base}/escala.tar.gz"),
                "signature": signature,
            }
        }
    })
    .to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            reader.read_line(&mut request).unwrap();
            // The rest of the head, up to its blank line; these requests have no body.
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 2 {
                line.clear();
            }
            let body: &[u8] = if request.contains("/latest.json") {
                feed.as_bytes()
            } else {
                PACKAGE
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    format!("{base}/latest.json")
}

/// A mock app that trusts `trusted` and reads its updates from `feed`. The feed is plain HTTP on
/// loopback, which the test build allows explicitly; release builds require HTTPS.
fn app(trusted: &KeyPair, feed: &str) -> App<MockRuntime> {
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        serde_json::json!({
            "pubkey": pubkey(trusted),
            "endpoints": [feed],
            "requireSignedVersion": true,
            "dangerousInsecureTransportProtocol": true,
        }),
    );
    mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .unwrap()
}

#[tokio::test]
async fn an_update_signed_by_another_key_is_refused() {
    let trusted = KeyPair::generate_unencrypted_keypair().unwrap();
    let stranger = KeyPair::generate_unencrypted_keypair().unwrap();
    let app = app(&trusted, &serve_feed(signature(&stranger, NEW_VERSION)));

    // The feed is read and the update announced: only its signature is wrong.
    let found = updates::check(app.handle()).await.unwrap();
    assert_eq!(
        found,
        UpdateCheck::Available {
            current: "0.1.0".into(),
            version: NEW_VERSION.into(),
            notes: Some("Faster plans".into()),
        }
    );
    let err = updates::install(app.handle(), NEW_VERSION)
        .await
        .unwrap_err();
    let AppError::Update(message) = &err else {
        panic!("expected an update error, got {err:?}")
    };
    assert!(
        message.starts_with("the update to version 9.0.0 was refused: its signature is not from Escala's release key"),
        "{message}"
    );
    assert!(message.ends_with("Nothing was installed"), "{message}");
}

#[tokio::test]
async fn a_signature_for_another_version_is_refused() {
    // A validly signed older release, announced as the new one, must not pass.
    let trusted = KeyPair::generate_unencrypted_keypair().unwrap();
    let app = app(&trusted, &serve_feed(signature(&trusted, "0.0.9")));
    let err = updates::install(app.handle(), NEW_VERSION)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("its signature is the release key's, but for version 0.0.9"),
        "{err}"
    );
}

#[tokio::test]
async fn a_garbled_signature_is_refused() {
    let trusted = KeyPair::generate_unencrypted_keypair().unwrap();
    let app = app(&trusted, &serve_feed("not base64 at all!".into()));
    let err = updates::install(app.handle(), NEW_VERSION)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not a signature at all"), "{err}");
}

#[tokio::test]
async fn only_the_version_the_user_chose_is_installed() {
    // The feed moved on between the check and the click: nothing is installed.
    let trusted = KeyPair::generate_unencrypted_keypair().unwrap();
    let app = app(&trusted, &serve_feed(signature(&trusted, NEW_VERSION)));
    let err = updates::install(app.handle(), "8.0.0").await.unwrap_err();
    assert!(
        err.to_string()
            .contains("the newest version is now 9.0.0, not the 8.0.0 you chose"),
        "{err}"
    );
}

#[tokio::test]
async fn an_update_signed_by_the_release_key_downloads_verified() {
    let trusted = KeyPair::generate_unencrypted_keypair().unwrap();
    let app = app(&trusted, &serve_feed(signature(&trusted, NEW_VERSION)));
    let (bytes, update) = updates::download(app.handle(), NEW_VERSION).await.unwrap();
    assert_eq!(bytes, PACKAGE);
    assert_eq!(update.version, NEW_VERSION);
}

#[tokio::test]
async fn a_build_without_a_release_key_says_so_and_asks_nothing() {
    // The checked-in config: no key and no feed, as every build from source.
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        serde_json::json!({ "pubkey": "", "endpoints": [] }),
    );
    let app = mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .unwrap();
    assert_eq!(
        updates::check(app.handle()).await.unwrap(),
        UpdateCheck::Unsupported
    );
    let err = updates::install(app.handle(), NEW_VERSION)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("built from source"), "{err}");
}

//! The envtest tier: every in-cluster operation against a real control plane, started from the
//! binaries in `ESCALA_KUBE_ASSETS` by `scripts/kube-tier.sh`. Without the variable the test says
//! it is skipped and why, and passes: no API server can be installed where that is so.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use escala_core::routes::kubernetes::{ClusterAutoscaler, Demo, Storage};
use escala_kube::objects::InCluster;
use escala_kube::{apply_all, status, teardown, Change, Cluster, KubeError, Target};

/// The control plane, stopped when the test ends however it ends.
struct Plane {
    dir: tempfile::TempDir,
    env: HashMap<String, String>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/kube-tier.sh")
}

impl Plane {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new(script())
            .args(["start"])
            .arg(dir.path())
            .status()
            .expect("scripts/kube-tier.sh runs");
        assert!(status.success(), "the control plane started");
        let env = std::fs::read_to_string(dir.path().join("target.env"))
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self { dir, env }
    }

    fn target(&self, who: &str, token: &str) -> Target {
        Target {
            endpoint: self.env["ENDPOINT"].clone(),
            ca_data: Some(self.env["CA_DATA"].clone()),
            identity: who.to_string(),
            token: self.env[token].clone().into(),
        }
    }
}

impl Drop for Plane {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test]
async fn every_in_cluster_operation_against_a_real_control_plane() {
    if std::env::var_os("ESCALA_KUBE_ASSETS").is_none() {
        eprintln!(
            "skipped: ESCALA_KUBE_ASSETS is not set. It names a folder holding kube-apiserver and \
             etcd (and kube-controller-manager, kube-scheduler when present); with it, this test \
             starts a control plane on loopback with scripts/kube-tier.sh and runs every \
             in-cluster operation against it."
        );
        return;
    }
    let plane = Plane::start();
    let admin = Cluster::connect(&plane.target("escala-admin", "ADMIN_TOKEN")).unwrap();
    let autoscaler = ClusterAutoscaler {
        image: Some("autoscaling/cluster-autoscaler:v1.35.0".into()),
        ..ClusterAutoscaler::default()
    };
    let (demo, storage) = (Demo::default(), Storage::default());
    let tags = BTreeMap::from([("escala:stack".to_string(), "tier".to_string())]);
    let objects = InCluster {
        stack: "tier",
        cluster: "tier",
        autoscaler: &autoscaler,
        demo: &demo,
        demo_image: Some("chat:1"),
        storage: &storage,
        tags: &tags,
    }
    .objects();

    // Apply, then the no-op re-apply.
    let first = apply_all(&admin, &objects).await.unwrap();
    assert!(first.iter().all(|(_, c)| *c == Change::Create), "{first:?}");
    let again = apply_all(&admin, &objects).await.unwrap();
    assert!(
        again.iter().all(|(_, c)| *c == Change::Unchanged),
        "{again:?}"
    );
    assert_eq!(
        teardown::managed(&admin, "tier").await.unwrap().len(),
        objects.len()
    );

    // The status reads, the HPA object and the claim (pending: no node runs its consumer).
    let state = status::read(&admin, "chat").await.unwrap();
    let hpa = state.hpa.expect("the HPA");
    assert_eq!(hpa.target_cpu, Some(50));
    assert_eq!(state.claim.expect("the claim").phase, "Pending");

    // A second identity, bound to no role, is refused by name.
    let viewer = Cluster::connect(&plane.target("escala-viewer", "VIEWER_TOKEN")).unwrap();
    let err = viewer.find(&objects[0].at).await.unwrap_err();
    assert!(
        matches!(&err, KubeError::Unauthorized { identity, code: 403, .. } if identity == "escala-viewer"),
        "{err}"
    );

    // The delete, finalizers and all, needs the controllers that run them.
    if plane.env.get("CONTROLLERS").map(String::as_str) != Some("true") {
        eprintln!(
            "the delete is skipped: ESCALA_KUBE_ASSETS has no kube-controller-manager, whose \
             garbage collector and namespace controller finish a delete"
        );
        return;
    }
    let limit = Duration::from_secs(60);
    let released = teardown::release_cloud(&admin, limit).await.unwrap();
    assert_eq!(released.load_balancers, ["Service demo/chat"]);
    assert_eq!(released.claims, ["PersistentVolumeClaim demo/demo-data"]);
    teardown::delete_managed(&admin, "tier", limit)
        .await
        .unwrap();
    assert!(teardown::managed(&admin, "tier").await.unwrap().is_empty());
}

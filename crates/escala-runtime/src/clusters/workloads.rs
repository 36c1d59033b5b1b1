//! What runs a pod's containers in the sandbox.

use std::sync::Arc;

use escala_core::routes::kubernetes::DemoApp;
use escala_kube::play::PodView;

use crate::workload::Workload;

/// What runs the demo's pods: the demo web server for php-apache, the chat server for the chat.
#[derive(Debug, Clone)]
pub struct Workloads {
    pub web: Arc<dyn Workload>,
    pub chat: Result<Arc<dyn Workload>, String>,
}

impl Workloads {
    pub fn for_pod(&self, pod: &PodView) -> Option<&Arc<dyn Workload>> {
        match pod.labels.get("app").map(String::as_str) {
            Some(app) if app == DemoApp::PhpApache.name() => Some(&self.web),
            Some(app) if app == DemoApp::Chat.name() => self.chat.as_ref().ok(),
            _ => None,
        }
    }
}

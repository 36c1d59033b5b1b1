//! One object as Escala wants it in a cluster, whatever its type: its API resource, its name,
//! and its body, labelled for the stack and stamped with the digest of what is applied.

use std::fmt;

use kube::core::{ApiResource, DynamicObject};
use kube::Resource;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::labels;

/// Which object: its type and where it is. Enough to get, delete or wait for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjRef {
    pub resource: ApiResource,
    /// `None` for a cluster-scoped object (a Namespace, a StorageClass, a ClusterRole).
    pub namespace: Option<String>,
    pub name: String,
}

impl fmt::Display for ObjRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.resource.kind, self.name),
            None => write!(f, "{} {}", self.resource.kind, self.name),
        }
    }
}

/// An object to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    pub at: ObjRef,
    /// The whole object as server-side apply takes it.
    pub body: DynamicObject,
    /// The digest of the body without itself: equal digests, equal objects.
    pub digest: String,
}

impl Desired {
    /// `object`, labelled for `stack` and stamped with its digest.
    pub fn of<K>(stack: &str, mut object: K) -> Self
    where
        K: Resource<DynamicType = ()> + Serialize,
    {
        let resource = ApiResource::erase::<K>(&());
        let meta = object.meta_mut();
        meta.labels
            .get_or_insert_default()
            .extend(labels::of(stack));
        let at = ObjRef {
            resource: resource.clone(),
            namespace: meta.namespace.clone(),
            name: meta.name.clone().unwrap_or_default(),
        };
        let mut value = serde_json::to_value(&object).expect("Kubernetes objects serialize");
        // Server-side apply needs the type in the body; k8s-openapi's types carry it in serde.
        value["apiVersion"] = resource.api_version.clone().into();
        value["kind"] = resource.kind.clone().into();
        let digest = hex::encode(Sha256::digest(value.to_string().as_bytes()));
        let mut body: DynamicObject =
            serde_json::from_value(value).expect("a Kubernetes object is a dynamic object");
        body.metadata
            .annotations
            .get_or_insert_default()
            .insert(labels::APPLIED.into(), digest.clone());
        Self { at, body, digest }
    }
}

/// What the cluster has of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    pub uid: String,
    /// The digest Escala stamped on it when it last applied it; `None` on an object made by
    /// someone else.
    pub applied: Option<String>,
    /// Being deleted: its finalizers haven't all run.
    pub deleting: bool,
    pub finalizers: Vec<String>,
}

impl Live {
    pub(crate) fn of(object: &DynamicObject) -> Self {
        let meta = &object.metadata;
        Self {
            uid: meta.uid.clone().unwrap_or_default(),
            applied: meta
                .annotations
                .as_ref()
                .and_then(|a| a.get(labels::APPLIED))
                .cloned(),
            deleting: meta.deletion_timestamp.is_some(),
            finalizers: meta.finalizers.clone().unwrap_or_default(),
        }
    }
}

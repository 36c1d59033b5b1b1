//! The chat server's OCI image, made and pushed without a container engine.
//!
//! [`build`] turns a binary (one per architecture) into a reproducible image: a base layer with
//! the loader and the libraries the ELF needs, read from this machine as a distroless base is
//! assembled, the copied trees, and the program; then the config, the manifest, and an index when
//! there are several architectures. [`push`] sends it to a registry over the OCI distribution
//! API, skipping blobs the registry already has.

mod arch;
mod auth;
mod base;
mod blob;
mod chat;
mod config;
mod elf;
mod error;
mod image;
mod layer;
mod libs;
mod manifest;
mod push;
mod registry;
mod spec;
mod tree;

pub use arch::Arch;
pub use auth::Auth;
pub use blob::{sha256, Blob};
pub use error::ImageError;
pub use image::{build, Image, PlatformImage};
pub use layer::Layer;
pub use oci_client::Reference;
pub use push::{push, BlobPush, BlobState, Progress, PushReport};
pub use spec::{BuildSpec, Tree, User};

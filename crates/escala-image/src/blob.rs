//! A content-addressed blob: the bytes a registry stores under their sha256 digest.

use bytes::Bytes;
use sha2::{Digest, Sha256};

#[derive(Clone, PartialEq, Eq)]
pub struct Blob {
    media_type: &'static str,
    digest: String,
    data: Bytes,
}

impl Blob {
    pub(crate) fn new(media_type: &'static str, data: Vec<u8>) -> Self {
        Blob {
            media_type,
            digest: sha256(&data),
            data: Bytes::from(data),
        }
    }

    pub fn media_type(&self) -> &'static str {
        self.media_type
    }

    /// `sha256:<hex>` of [`Blob::data`].
    pub fn digest(&self) -> &str {
        &self.digest
    }

    pub fn data(&self) -> &Bytes {
        &self.data
    }

    pub fn size(&self) -> u64 {
        self.data.len() as u64
    }
}

// Layers are megabytes: show what identifies a blob, not its bytes.
impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blob")
            .field("media_type", &self.media_type)
            .field("digest", &self.digest)
            .field("size", &self.data.len())
            .finish()
    }
}

/// The OCI digest string of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_the_sha256_of_the_bytes() {
        let blob = Blob::new("text/plain", b"abc".to_vec());
        assert_eq!(
            blob.digest(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(blob.size(), 3);
    }
}

//! Short, stable checksums of what a resource is made from (a launch template's user data, a task
//! definition's container), so a plan shows that something changed without printing it, and
//! what was started from an older revision is told apart by a tag.

/// FNV-1a: no dependency for a non-cryptographic checksum.
pub fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// The revision of what `parts` make: eight hex digits.
pub fn revision(parts: &[&str]) -> String {
    format!("{:08x}", fnv(&parts.join("\n")) as u32)
}

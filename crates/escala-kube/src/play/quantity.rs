//! Kubernetes' resource quantities, read as the sandbox needs them: CPU in millicores and memory
//! in MiB (`resource.Quantity`'s suffixes: `m`, decimal `k M G T`, binary `Ki Mi Gi Ti`, and
//! exponents such as `1e3`).

/// `"250m"` → 250, `"1.5"` → 1500; `None` for what isn't a quantity.
pub fn cpu_millis(q: &str) -> Option<u64> {
    let q = q.trim();
    if let Some(m) = q.strip_suffix('m') {
        return m.parse::<f64>().ok().map(|v| v.ceil() as u64);
    }
    scaled(q).map(|v| (v * 1000.0).ceil() as u64)
}

/// `"512Mi"` → 512, `"1G"` → 954 (rounded up); `None` for what isn't a quantity.
pub fn memory_mib(q: &str) -> Option<u64> {
    scaled(q.trim()).map(|bytes| (bytes / 1_048_576.0).ceil() as u64)
}

fn scaled(q: &str) -> Option<f64> {
    const SUFFIXES: [(&str, f64); 10] = [
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(n) = q.strip_suffix(suffix) {
            return n.parse::<f64>().ok().map(|v| v * factor);
        }
    }
    q.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    // https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/ (CPU "0.1"
    // is "100m"; memory 128974848, 129e6, 129M, 128974848000m, 123Mi are about the same).
    #[test]
    fn the_docs_quantities() {
        assert_eq!(cpu_millis("0.1"), Some(100));
        assert_eq!(cpu_millis("100m"), Some(100));
        assert_eq!(cpu_millis("2"), Some(2000));
        assert_eq!(memory_mib("123Mi"), Some(123));
        assert_eq!(memory_mib("128974848"), Some(123));
        assert_eq!(memory_mib("129M"), Some(124));
        assert_eq!(memory_mib("129e6"), Some(124));
        assert_eq!(memory_mib("1Gi"), Some(1024));
        assert_eq!(cpu_millis("lots"), None);
        assert_eq!(memory_mib("-1"), None);
    }
}

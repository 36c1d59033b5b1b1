//! The warm pool: instances kept prepared (stopped or running) beside the group, so a scale-out
//! takes one that is already initialised.
//! Docs: "Warm pools for Amazon EC2 Auto Scaling" ("Warm pool size").

/// How many instances the pool keeps: the group's maximum prepared capacity (the
/// MaxGroupPreparedCapacity, by default the group's max) less its desired capacity, and never
/// fewer than the pool's MinSize.
pub fn size(desired: u32, group_max: u32, max_prepared: Option<i64>, min_size: u32) -> u32 {
    let prepared = match max_prepared {
        Some(p) if p >= 0 => p as u32,
        // −1 is AWS's "not set": the group's max.
        _ => group_max,
    };
    prepared.saturating_sub(desired).max(min_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The docs' examples: a group of max 10 with desired 4 keeps 6 warm by default; with a
    /// MaxGroupPreparedCapacity of 8, 4; and MinSize floors it.
    #[test]
    fn the_docs_sizes() {
        assert_eq!(size(4, 10, None, 0), 6);
        assert_eq!(size(4, 10, Some(-1), 0), 6);
        assert_eq!(size(4, 10, Some(8), 0), 4);
        assert_eq!(size(10, 10, None, 2), 2);
        assert_eq!(size(4, 10, Some(4), 0), 0);
    }
}

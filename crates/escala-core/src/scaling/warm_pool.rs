//! The warm pool: instances kept prepared (stopped, hibernated or running) beside the group, so
//! that a scale-out takes instances already initialised instead of launching new ones. Which
//! instances a scale-out takes is the emulator's to say (the sandbox launcher's fix 13), since
//! every client's scale-out draws on the pool.
//! Docs: "Warm pools for Amazon EC2 Auto Scaling"
//! (<https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html>:
//! core concepts, limitations) and `PutWarmPool`
//! (<https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutWarmPool.html>).

/// How many instances the pool keeps for a group: its maximum prepared capacity
/// (`MaxGroupPreparedCapacity`, the group's maximum when unset or −1) less the group's desired
/// capacity, and never fewer than the pool's `MinSize`.
pub fn size(desired: u32, group_max: u32, max_prepared: Option<i64>, min_size: u32) -> u32 {
    let prepared = match max_prepared {
        Some(p) if p >= 0 => u32::try_from(p).unwrap_or(u32::MAX),
        _ => group_max,
    };
    prepared.saturating_sub(desired).max(min_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html
    // (Warm pool size: desired 6 and maximum 10 make a pool of 4; with a maximum prepared
    // capacity of 8, 2) and PutWarmPool ("If the desired capacity of the Auto Scaling group is
    // higher than the MaxGroupPreparedCapacity, the capacity of the warm pool is 0, unless you
    // specify a value for MinSize"; −1 removes the setting).
    #[test]
    fn the_docs_pool_sizes() {
        assert_eq!(size(6, 10, None, 0), 4);
        assert_eq!(size(6, 10, Some(8), 0), 2);
        assert_eq!(size(6, 10, Some(-1), 0), 4);
        assert_eq!(size(9, 10, Some(8), 0), 0);
        assert_eq!(size(9, 10, Some(8), 2), 2);
        assert_eq!(
            size(6, 10, None, 1),
            4,
            "MinSize is a floor, not an addition"
        );
    }
}

//! The warm pool: instances kept prepared (stopped, hibernated or running) beside the group, so
//! that a scale-out takes instances already initialised instead of launching new ones.
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

/// Which pool instances a scale-out of `wanted` takes, and how many it launches cold because the
/// pool ran short. AWS documents the cold start but not an order within the pool: instances
/// done preparing (`ready`: in `Warmed:Stopped`, `Warmed:Hibernated` or `Warmed:Running`) go
/// before those still in `Warmed:Pending`, each in the order given (oldest first, say).
pub fn draw<T>(pool: &[T], wanted: u32, ready: impl Fn(&T) -> bool) -> (Vec<&T>, u32) {
    let (done, preparing): (Vec<&T>, Vec<&T>) = pool.iter().partition(|i| ready(i));
    let taken: Vec<&T> = done
        .into_iter()
        .chain(preparing)
        .take(wanted as usize)
        .collect();
    let cold = wanted - taken.len() as u32;
    (taken, cold)
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

    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html
    // (Limitations: "If your warm pool is depleted when there is a scale-out event, instances
    // will launch directly into the Auto Scaling group (a cold start)").
    #[test]
    fn a_scale_out_takes_ready_instances_first_then_launches_cold() {
        type Instance = (&'static str, bool);
        let pool: [Instance; 4] = [("i-1", false), ("i-2", true), ("i-3", true), ("i-4", false)];
        let ready = |i: &Instance| i.1;
        let ids = |taken: Vec<&Instance>| taken.iter().map(|i| i.0).collect::<Vec<_>>();
        let (taken, cold) = draw(&pool, 2, ready);
        assert_eq!((ids(taken), cold), (vec!["i-2", "i-3"], 0));
        let (taken, cold) = draw(&pool, 6, ready);
        assert_eq!((ids(taken), cold), (vec!["i-2", "i-3", "i-1", "i-4"], 2));
        let (taken, cold) = draw(&[] as &[Instance], 1, ready);
        assert_eq!((ids(taken), cold), (vec![], 1));
    }
}

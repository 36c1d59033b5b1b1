//! A warm pool (asg): prepared, stopped instances beside the group, kept at the size
//! `escala_core::scaling::warm_pool` gives. A scale-out takes them first, and a stopped instance
//! starts sooner than a new one boots; the pool is then prepared again, each new instance taking
//! a boot. Stopped instances pay for their volumes only, which the cost leaves out.

use escala_core::scaling::warm_pool;

#[derive(Debug, Clone)]
pub struct Warm {
    min_size: u32,
    /// When each prepared instance is ready to be taken.
    prepared: Vec<u64>,
    /// Seconds a new instance takes to be prepared.
    boot: u32,
}

impl Warm {
    /// A pool of `min_size` at least, prepared before the trace starts for a group of `desired`
    /// up to `max`.
    pub fn new(min_size: u32, boot: u32, desired: u32, max: u32) -> Self {
        let mut warm = Self {
            min_size,
            prepared: Vec::new(),
            boot,
        };
        let size = warm_pool::size(desired, max, None, min_size);
        warm.prepared = vec![0; size as usize];
        warm
    }

    /// Takes up to `n` prepared instances at `t`; returns how many it took.
    pub fn draw(&mut self, n: u32, t: u64) -> u32 {
        let mut taken = 0;
        self.prepared.sort_unstable();
        while taken < n && self.prepared.first().is_some_and(|at| *at <= t) {
            self.prepared.remove(0);
            taken += 1;
        }
        taken
    }

    /// Prepares instances until the pool is at its size for the group's new `desired`.
    pub fn refill(&mut self, desired: u32, max: u32, t: u64) {
        let size = warm_pool::size(desired, max, None, self.min_size) as usize;
        while self.prepared.len() < size {
            self.prepared.push(t + u64::from(self.boot));
        }
        self.prepared.truncate(size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // warm_pool::size: desired 1 and max 4 keep 3 prepared; desired 2, 2.
    #[test]
    fn a_scale_out_takes_the_prepared_first_and_the_pool_is_prepared_again() {
        let mut w = Warm::new(0, 40, 1, 4);
        assert_eq!(w.draw(2, 100), 2);
        w.refill(2, 4, 100);
        assert_eq!(
            w.draw(5, 120),
            1,
            "the one left; the new one is still being prepared"
        );
        assert_eq!(w.draw(5, 140), 1);
        assert_eq!(w.draw(5, 140), 0);
    }
}

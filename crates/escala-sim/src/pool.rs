//! Units of capacity (instances, tasks, pods) as they come and go: each asked for at a second,
//! serving from when it is ready, and counted in its group's metric once its warm-up is over.
//! Scale-in removes the newest first, the ones not yet serving before any that serve.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub asked: u64,
    pub ready_at: u64,
    pub counted_at: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pool {
    pub units: Vec<Unit>,
}

impl Pool {
    /// `n` units ready from the start: a group's initial capacity.
    pub fn started(n: u32) -> Self {
        Self {
            units: vec![
                Unit {
                    asked: 0,
                    ready_at: 0,
                    counted_at: 0
                };
                n as usize
            ],
        }
    }

    pub fn len(&self) -> u32 {
        self.units.len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    pub fn ready(&self, t: u64) -> u32 {
        self.units.iter().filter(|u| u.ready_at <= t).count() as u32
    }

    /// The next second after `t` at which a unit becomes ready: until then [`Pool::ready`]
    /// stays as it is.
    pub fn next_ready(&self, t: u64) -> u64 {
        self.units
            .iter()
            .map(|u| u.ready_at)
            .filter(|at| *at > t)
            .min()
            .unwrap_or(u64::MAX)
    }

    /// Ready units still in their warm-up.
    pub fn warming(&self, t: u64) -> u32 {
        self.units.iter().filter(|u| u.counted_at > t).count() as u32
    }

    /// Adds `n` units asked for at `t`, serving after `start` seconds, counted after `warmup`.
    pub fn add(&mut self, n: u32, t: u64, start: u32, warmup: u32) {
        let unit = Unit {
            asked: t,
            ready_at: t + u64::from(start),
            counted_at: t + u64::from(start.max(warmup)),
        };
        self.units.extend(std::iter::repeat_n(unit, n as usize));
    }

    /// Removes `n` units, the newest first.
    pub fn remove(&mut self, n: u32) {
        self.units.sort_by_key(|u| (u.ready_at, u.asked));
        let keep = self.units.len().saturating_sub(n as usize);
        self.units.truncate(keep);
    }

    /// Grows or shrinks to `desired` at `t`.
    pub fn resize(&mut self, desired: u32, t: u64, start: u32, warmup: u32) {
        match desired.cmp(&self.len()) {
            std::cmp::Ordering::Greater => self.add(desired - self.len(), t, start, warmup),
            std::cmp::Ordering::Less => self.remove(self.len() - desired),
            std::cmp::Ordering::Equal => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_serve_once_ready_count_once_warm_and_the_newest_go_first() {
        let mut p = Pool::started(2);
        p.add(2, 100, 60, 300);
        assert_eq!((p.len(), p.ready(159), p.ready(160)), (4, 2, 4));
        assert_eq!((p.warming(160), p.warming(400)), (2, 0));
        assert_eq!((p.next_ready(100), p.next_ready(160)), (160, u64::MAX));
        p.resize(3, 200, 60, 300);
        assert_eq!((p.len(), p.ready(200)), (3, 3));
        p.remove(10);
        assert!(p.is_empty());
    }
}

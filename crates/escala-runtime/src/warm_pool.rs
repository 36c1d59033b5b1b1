//! Each group's warm pool held at the size AWS gives it (the core's rule), through the launcher's
//! fix 13, which launches instances into the pool and terminates its surplus.

use escala_core::scaling::warm_pool;

use crate::emulator::Emulator;
use crate::world::World;

pub async fn keep(world: &World, emulator: &Emulator) {
    for group in &world.groups {
        let Some(pool) = &group.warm_pool else {
            continue;
        };
        let size = warm_pool::size(
            group.desired,
            group.max,
            pool.max_prepared_capacity,
            pool.min_size,
        );
        if pool.instances.len() != size as usize {
            if let Err(e) = emulator
                .set_warm_pool(&group.place, &group.name, size)
                .await
            {
                tracing::debug!(error = %e, group = group.name, "sizing the warm pool");
            }
        }
    }
}

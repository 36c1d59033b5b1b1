//! The task graph: dependency checks and topological order.

use std::collections::{BTreeMap, BTreeSet};

use crate::CoreError;

/// Returns the ids in an order where every id comes after its dependencies, or an error naming an
/// unknown dependency or a cycle.
pub fn topo_order(deps: &BTreeMap<String, Vec<String>>) -> Result<Vec<String>, CoreError> {
    for (id, ds) in deps {
        if let Some(missing) = ds.iter().find(|d| !deps.contains_key(*d)) {
            return Err(CoreError::Graph(format!(
                "'{id}' depends on unknown '{missing}'"
            )));
        }
    }
    let mut order = Vec::with_capacity(deps.len());
    let mut done = BTreeSet::new();
    let mut visiting = BTreeSet::new();
    fn visit(
        id: &str,
        deps: &BTreeMap<String, Vec<String>>,
        done: &mut BTreeSet<String>,
        visiting: &mut BTreeSet<String>,
        order: &mut Vec<String>,
    ) -> Result<(), CoreError> {
        if done.contains(id) {
            return Ok(());
        }
        if !visiting.insert(id.to_string()) {
            return Err(CoreError::Graph(format!(
                "a dependency cycle goes through '{id}'"
            )));
        }
        for d in &deps[id] {
            visit(d, deps, done, visiting, order)?;
        }
        visiting.remove(id);
        done.insert(id.to_string());
        order.push(id.to_string());
        Ok(())
    }
    for id in deps.keys() {
        visit(id, deps, &mut done, &mut visiting, &mut order)?;
    }
    Ok(order)
}

/// For each task, the length of the longest chain that starts at it and runs through the tasks
/// that depend on it. Starting the tasks with the longest chains first keeps the critical path
/// moving when more tasks are ready than may run at once.
pub fn remaining_depth(
    deps: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeMap<String, usize>, CoreError> {
    let mut rank: BTreeMap<String, usize> = deps.keys().map(|k| (k.clone(), 1)).collect();
    for id in topo_order(deps)?.into_iter().rev() {
        let r = rank[&id];
        for d in &deps[&id] {
            let entry = rank.get_mut(d).expect("checked by topo_order");
            *entry = (*entry).max(r + 1);
        }
    }
    Ok(rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(edges: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        edges
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn orders_dependencies_first() {
        let order = topo_order(&g(&[
            ("subnet", &["vpc"]),
            ("vpc", &[]),
            ("nat", &["subnet", "eip"]),
            ("eip", &[]),
        ]))
        .unwrap();
        let pos = |id: &str| order.iter().position(|x| x == id).unwrap();
        assert!(
            pos("vpc") < pos("subnet") && pos("subnet") < pos("nat") && pos("eip") < pos("nat")
        );
    }

    #[test]
    fn rejects_cycles_and_unknown_dependencies() {
        assert!(topo_order(&g(&[("a", &["b"]), ("b", &["a"])]))
            .unwrap_err()
            .to_string()
            .contains("cycle"));
        assert!(topo_order(&g(&[("a", &["zzz"])]))
            .unwrap_err()
            .to_string()
            .contains("unknown 'zzz'"));
    }
}

//! Everything a stack owns, found generically from the registered kinds: one tag probe, then
//! every kind looked up concurrently; and the order deletion follows, from the kinds' edges.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::try_join_all;

use crate::failure::TaskError;
use crate::kind::Found;
use crate::kind::{Cloud, Discovery, Kind};
use crate::CoreError;

/// The kinds of every route, checked once: names unique, edges naming known kinds, no cycle.
pub struct Inventory<C: Cloud> {
    kinds: Vec<&'static dyn Kind<C>>,
    /// Each kind's position in a deletion order (a kind comes before every kind it blocks), so
    /// reports list objects in the order they go.
    rank: BTreeMap<&'static str, usize>,
}

impl<C: Cloud> std::fmt::Debug for Inventory<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.kinds.iter().map(|k| k.name()))
            .finish()
    }
}

impl<C: Cloud> Inventory<C> {
    /// The inventory of these kinds. A duplicate name, an edge to an unknown kind, a cycle of
    /// edges, or a [`Discovery::Behind`] kind that blocks no tagged one is a programming error.
    pub fn new(kinds: impl IntoIterator<Item = &'static dyn Kind<C>>) -> Result<Self, CoreError> {
        let mut by_name: BTreeMap<&'static str, &'static dyn Kind<C>> = BTreeMap::new();
        let mut list = Vec::new();
        for kind in kinds {
            if by_name.insert(kind.name(), kind).is_some() {
                return Err(CoreError::Graph(format!(
                    "the kind '{}' is registered twice",
                    kind.name()
                )));
            }
            list.push(kind);
        }
        for kind in &list {
            if let Some(unknown) = kind.blocks().iter().find(|b| !by_name.contains_key(*b)) {
                return Err(CoreError::Graph(format!(
                    "the kind '{}' blocks '{unknown}', which is not registered",
                    kind.name()
                )));
            }
        }
        // A kind is deleted after everything that blocks it: "blocked by" is its dependency list.
        let blocked_by: BTreeMap<String, Vec<String>> = list
            .iter()
            .map(|k| {
                let by = list
                    .iter()
                    .filter(|o| o.blocks().contains(&k.name()))
                    .map(|o| o.name().to_string())
                    .collect();
                (k.name().to_string(), by)
            })
            .collect();
        let order = crate::graph::topo_order(&blocked_by)
            .map_err(|e| CoreError::Graph(format!("the kinds' deletion edges: {e}")))?;
        let rank = order
            .iter()
            .enumerate()
            .map(|(i, name)| (by_name[name.as_str()].name(), i))
            .collect();
        let inventory = Self { kinds: list, rank };
        if let Some(kind) = inventory
            .kinds
            .iter()
            .find(|k| k.discovery() == Discovery::Behind && !inventory.blocks_tagged(k.name()))
        {
            return Err(CoreError::Graph(format!(
                "the kind '{}' is looked up behind the tag probe, but blocks no tagged kind: it could outlive every tagged object and never be found",
                kind.name()
            )));
        }
        Ok(inventory)
    }

    /// True when `name` blocks, directly or through other kinds, a kind the probe sees.
    fn blocks_tagged(&self, name: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![name];
        while let Some(n) = todo.pop() {
            for b in self.kind(n).map(|k| k.blocks()).unwrap_or_default() {
                if self
                    .kind(b)
                    .is_some_and(|k| k.discovery() == Discovery::Tagged)
                {
                    return true;
                }
                if seen.insert(*b) {
                    todo.push(b);
                }
            }
        }
        false
    }

    pub fn kind(&self, name: &str) -> Option<&'static dyn Kind<C>> {
        self.kinds.iter().find(|k| k.name() == name).copied()
    }

    pub fn kinds(&self) -> impl Iterator<Item = &'static dyn Kind<C>> + '_ {
        self.kinds.iter().copied()
    }

    /// Every object tagged for the stack, plus the untagged dependents that block deleting them,
    /// in deletion order. The kinds the probe can't vouch for are looked up at the same time as
    /// the probe; the rest once it says something is there.
    pub async fn discover(&self, ctx: &C) -> Result<Vec<Found>, TaskError> {
        let of = |wanted: &[Discovery]| -> Vec<&'static dyn Kind<C>> {
            self.kinds
                .iter()
                .filter(|k| wanted.contains(&k.discovery()))
                .copied()
                .collect()
        };
        let always = try_join_all(
            of(&[Discovery::Always])
                .into_iter()
                .map(|k| k.discover(ctx)),
        );
        let (any, always) = tokio::try_join!(ctx.anything_tagged(), always)?;
        let mut found: Vec<Found> = always.into_iter().flatten().collect();
        if any {
            let probed = of(&[Discovery::Tagged, Discovery::Behind]);
            let more = try_join_all(probed.into_iter().map(|k| k.discover(ctx))).await?;
            found.extend(more.into_iter().flatten());
        }
        found.sort_by_key(|f| (self.rank.get(f.kind.as_str()).copied(), f.label()));
        Ok(found)
    }

    /// For each object, the indices of the objects that must be gone before it: those whose kind
    /// blocks its kind. Unknown kinds are reported, not guessed at.
    pub(crate) fn blockers(&self, found: &[Found]) -> Result<Vec<Vec<usize>>, TaskError> {
        for f in found {
            if self.kind(&f.kind).is_none() {
                return Err(TaskError::fatal(
                    "UnknownKind",
                    format!("Escala does not know how to delete a {}", f.kind),
                ));
            }
        }
        Ok(found
            .iter()
            .map(|f| {
                found
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| {
                        self.kind(&o.kind)
                            .is_some_and(|k| k.blocks().contains(&f.kind.as_str()))
                    })
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect())
    }
}

//! The simulated clients. Each one is a task owning a socket.io connection: it sends at the rate of the
//! current phase, tracks its acknowledgements, and timestamps every message it receives.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use escala_chat_proto::{
    Client, EV_JOIN, EV_MESSAGE, Incoming, JoinAck, JoinRequest, SendAck, SendMessage, now_us,
};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::sync::{Semaphore, watch};
use tokio::time::MissedTickBehavior;

use crate::stats::{Counters, new_histogram};

/// What every client does right now. A new phase with new counters makes each client flush its latency
/// histogram into the previous phase's counters.
#[derive(Clone)]
pub struct Phase {
    /// Interval between two sends of one client; `None` means only receive.
    pub send_every: Option<Duration>,
    pub counters: Arc<Counters>,
    /// Clients that have flushed into `counters` after it stopped being current.
    pub flushed: Arc<AtomicU64>,
}

impl Phase {
    pub fn quiet() -> Self {
        Self {
            send_every: None,
            counters: Arc::default(),
            flushed: Arc::default(),
        }
    }
}

pub struct Member {
    pub client: Client,
    pub room: String,
}

pub struct Plan {
    pub urls: Vec<String>,
    pub clients: usize,
    pub rooms: usize,
    pub run_id: String,
    pub connect_concurrency: usize,
}

impl Plan {
    pub fn room_of(&self, i: usize) -> String {
        format!("{}-r{}", self.run_id, i % self.rooms)
    }
}

/// Connects every client (spread round-robin over the URLs) and joins its room. Returns the members that
/// made it and the errors of those that did not.
pub async fn connect_all(plan: &Plan) -> (Vec<(usize, Member)>, Vec<String>) {
    let limit = Arc::new(Semaphore::new(plan.connect_concurrency.max(1)));
    let mut pending = FuturesUnordered::new();
    for i in 0..plan.clients {
        let url = plan.urls[i % plan.urls.len()].clone();
        let room = plan.room_of(i);
        let limit = limit.clone();
        pending.push(async move {
            let _permit = limit.acquire().await;
            let result = tokio::time::timeout(Duration::from_secs(30), async {
                let client = Client::connect(&url).await.map_err(|e| e.to_string())?;
                let join = JoinRequest {
                    room: room.clone(),
                    nick: format!("load{i}"),
                };
                let ack: JoinAck = client
                    .request(EV_JOIN, &join)
                    .await
                    .map_err(|e| e.to_string())?;
                match ack.error {
                    None => Ok(Member { client, room }),
                    Some(e) => Err(e.to_string()),
                }
            })
            .await;
            (
                i,
                result.unwrap_or_else(|_| Err("connect + join timed out".into())),
            )
        });
    }
    let mut members = Vec::with_capacity(plan.clients);
    let mut errors = Vec::new();
    while let Some((i, result)) = pending.next().await {
        match result {
            Ok(m) => members.push((i, m)),
            Err(e) => errors.push(e),
        }
    }
    (members, errors)
}

/// Runs one member until the phase channel closes.
pub async fn drive(
    mut member: Member,
    fan_out: u64,
    index: usize,
    text: Arc<str>,
    mut phases: watch::Receiver<Phase>,
) {
    let mut phase = phases.borrow_and_update().clone();
    let mut hist = new_histogram();
    let mut acks: FuturesUnordered<tokio::sync::oneshot::Receiver<Vec<serde_json::Value>>> =
        FuturesUnordered::new();
    let mut ticker = make_ticker(&phase, index);
    loop {
        tokio::select! {
            changed = phases.changed() => {
                let next = phases.borrow_and_update().clone();
                if !Arc::ptr_eq(&next.counters, &phase.counters) {
                    phase.counters.merge_latencies(&hist);
                    hist.reset();
                    phase.flushed.fetch_add(1, Ordering::SeqCst);
                }
                if changed.is_err() { break }
                ticker = make_ticker(&next, index);
                phase = next;
            }
            incoming = member.client.next() => match incoming {
                Some(Incoming::Event { name, args, received_at_us }) if name == EV_MESSAGE => {
                    let sent = args.first().and_then(|m| m["sent_at_us"].as_u64()).unwrap_or(received_at_us);
                    let _ = hist.record(received_at_us.saturating_sub(sent).max(1));
                    Counters::add(&phase.counters.received, 1);
                }
                Some(Incoming::Event { .. }) => {}
                Some(Incoming::Closed) | None => {
                    // A dead member keeps flushing so that the controller's accounting stays whole.
                    phase.counters.merge_latencies(&hist);
                    hist.reset();
                    dead_member(phases, phase).await;
                    return;
                }
            },
            Some(ack) = acks.next(), if !acks.is_empty() => {
                let ack: Option<SendAck> = match ack {
                    Ok(args) => args.into_iter().next().and_then(|v| serde_json::from_value::<SendAck>(v).ok()),
                    Err(_) => None,
                };
                let c = &phase.counters;
                match ack {
                    Some(a) if a.ok => {
                        Counters::add(&c.acked, 1);
                        Counters::add(&c.expected, fan_out);
                        if let Some(id) = &a.id { c.acked_by(id) }
                    }
                    _ => Counters::add(&c.rejected, 1),
                }
            }
            Some(scheduled) = tick(&mut ticker) => {
                let c = &phase.counters;
                if scheduled.elapsed() > Duration::from_millis(10) { Counters::add(&c.late_sends, 1) }
                let m = SendMessage { room: member.room.clone(), text: text.to_string(), sent_at_us: now_us(), cid: None };
                match member.client.emit_with_ack_rx(EV_MESSAGE, &m) {
                    Ok(rx) => { Counters::add(&c.sent, 1); acks.push(rx) }
                    Err(_) => Counters::add(&c.rejected, 1),
                }
            }
        }
    }
}

/// A closed member still acknowledges phase changes, so that the controller never waits for it.
async fn dead_member(mut phases: watch::Receiver<Phase>, mut phase: Phase) {
    while phases.changed().await.is_ok() {
        let next = phases.borrow_and_update().clone();
        if !Arc::ptr_eq(&next.counters, &phase.counters) {
            phase.flushed.fetch_add(1, Ordering::SeqCst);
        }
        phase = next;
    }
    phase.flushed.fetch_add(1, Ordering::SeqCst);
}

fn make_ticker(phase: &Phase, index: usize) -> Option<tokio::time::Interval> {
    let every = phase.send_every?;
    // Spread the clients' first sends over one interval so they do not all fire together.
    let offset = every.mul_f64((index as f64 * 0.618_033_988_75).fract());
    let mut t = tokio::time::interval_at(tokio::time::Instant::now() + offset, every);
    t.set_missed_tick_behavior(MissedTickBehavior::Delay);
    Some(t)
}

async fn tick(ticker: &mut Option<tokio::time::Interval>) -> Option<Instant> {
    match ticker {
        Some(t) => Some(t.tick().await.into_std()),
        None => std::future::pending().await,
    }
}

//! Progress to the UI: the engine's events go out over a tauri Channel in batches, at most one
//! message per window, so a burst of events doesn't flood the IPC bridge. Nothing is dropped: each
//! task's every state change reaches the UI, and a quiet stream's first event goes out at once.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use escala_core::progress::{ProgressEvent, ProgressSink};

/// The shortest gap between two messages: about three frames.
const WINDOW: Duration = Duration::from_millis(50);

/// The sink the executor reports to. Dropping it ends the batcher after a last flush.
#[derive(Debug)]
pub struct BatchedProgress {
    tx: mpsc::UnboundedSender<ProgressEvent>,
}

impl ProgressSink for BatchedProgress {
    fn emit(&self, event: ProgressEvent) {
        // The receiver only goes away when the window closed mid-run; the run carries on regardless.
        let _ = self.tx.send(event);
    }
}

/// Starts the batcher that hands event batches to `send`. Await the handle after dropping the sink
/// so every event is delivered before the command returns.
pub fn batched(
    send: impl Fn(Vec<ProgressEvent>) + Send + 'static,
) -> (BatchedProgress, JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut last_sent = Instant::now() - WINDOW;
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            let deadline = last_sent + WINDOW;
            let mut closed = false;
            while Instant::now() < deadline {
                tokio::select! {
                    next = rx.recv() => match next {
                        Some(e) => batch.push(e),
                        None => { closed = true; break; }
                    },
                    _ = tokio::time::sleep_until(deadline) => break,
                }
            }
            // Whatever is already queued rides along.
            while let Ok(e) = rx.try_recv() {
                batch.push(e);
            }
            send(batch);
            last_sent = Instant::now();
            if closed {
                break;
            }
        }
    });
    (BatchedProgress { tx }, task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn done(id: &str) -> ProgressEvent {
        ProgressEvent::Skipped {
            id: id.into(),
            reason: "test".into(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn bursts_are_batched_in_order_and_nothing_is_lost() {
        let got = Arc::new(Mutex::new(Vec::<Vec<ProgressEvent>>::new()));
        let sink = got.clone();
        let (progress, task) = batched(move |b| sink.lock().unwrap().push(b));
        progress.emit(ProgressEvent::Started { total: 100 });
        tokio::time::sleep(Duration::from_millis(1)).await;
        for i in 0..100 {
            progress.emit(done(&i.to_string()));
        }
        progress.emit(ProgressEvent::Finished {
            done: 0,
            failed: 0,
            skipped: 100,
        });
        drop(progress);
        task.await.unwrap();
        let batches = got.lock().unwrap().clone();
        assert_eq!(
            batches[0],
            vec![ProgressEvent::Started { total: 100 }],
            "the first event goes out alone, at once"
        );
        assert!(
            batches.len() <= 3,
            "102 events in one burst take a couple of messages, not {}",
            batches.len()
        );
        let flat: Vec<_> = batches.into_iter().flatten().collect();
        assert_eq!(flat.len(), 102);
        assert!(matches!(flat.last(), Some(ProgressEvent::Finished { .. })));
        assert_eq!(flat[1], done("0"));
        assert_eq!(flat[100], done("99"));
    }

    #[tokio::test(start_paused = true)]
    async fn an_event_after_a_quiet_spell_is_not_held_back() {
        let got = Arc::new(Mutex::new(Vec::<(Instant, usize)>::new()));
        let sink = got.clone();
        let (progress, task) =
            batched(move |b| sink.lock().unwrap().push((Instant::now(), b.len())));
        let start = Instant::now();
        progress.emit(done("a"));
        tokio::time::sleep(Duration::from_secs(5)).await;
        progress.emit(done("b"));
        tokio::time::sleep(Duration::from_millis(1)).await;
        drop(progress);
        task.await.unwrap();
        let sent = got.lock().unwrap().clone();
        assert_eq!(sent.len(), 2);
        assert!(sent[0].0 - start < WINDOW);
        assert!(sent[1].0 - start < Duration::from_secs(5) + WINDOW);
    }
}

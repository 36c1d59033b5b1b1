//! SIGTERM while a client is sending: every message the server acknowledged is delivered and kept.

mod support;

use std::collections::HashSet;

use escala_chat_proto::{
    EV_JOIN, EV_MESSAGE, ErrorCode, Incoming, JoinAck, JoinRequest, SendAck, SendMessage, now_us,
};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use support::{GUARD, Server, connect, request, unique};

const ENV: &[(&str, &str)] = &[
    ("ESCALA_CHAT_RATE_PER_SEC", "1000000"),
    ("ESCALA_CHAT_RATE_BURST", "1000000"),
    ("ESCALA_CHAT_HISTORY_LEN", "100000"),
    ("ESCALA_CHAT_DRAIN_GRACE_MS", "300"),
];

#[tokio::test]
async fn sigterm_during_load_loses_no_acknowledged_message() {
    let mut a = Server::start("term-a", ENV);
    let b = Server::start("term-b", ENV);
    let room = unique("term");

    let mut receiver = connect(&b).await;
    let ack: JoinAck = request(
        &receiver,
        EV_JOIN,
        &JoinRequest {
            room: room.clone(),
            nick: "rx".into(),
        },
    )
    .await;
    assert!(ack.ok);
    let sender = connect(&a).await;
    let ack: JoinAck = request(
        &sender,
        EV_JOIN,
        &JoinRequest {
            room: room.clone(),
            nick: "tx".into(),
        },
    )
    .await;
    assert!(ack.ok);

    // Keep 16 messages in flight; SIGTERM instance A once 300 are acknowledged, and go on sending until A
    // closes the connection.
    let mut acked: HashSet<String> = HashSet::new();
    let mut refused_shutting_down = 0usize;
    let mut in_flight = FuturesUnordered::new();
    let mut seq = 0u64;
    let mut signalled = false;
    let mut open = true;
    loop {
        while open && in_flight.len() < 16 {
            let m = SendMessage {
                room: room.clone(),
                text: format!("m{seq}"),
                sent_at_us: now_us(),
                cid: None,
            };
            seq += 1;
            match sender.emit_with_ack_rx(EV_MESSAGE, &m) {
                Ok(rx) => in_flight.push(rx),
                Err(_) => open = false,
            }
        }
        let Some(result) = tokio::time::timeout(GUARD, in_flight.next())
            .await
            .expect("ack stalled")
        else {
            break;
        };
        match result {
            Ok(args) => {
                let ack: SendAck = serde_json::from_value(args[0].clone()).unwrap();
                match (ack.ok, ack.id, ack.error) {
                    (true, Some(id), _) => {
                        acked.insert(id);
                    }
                    (false, _, Some(e)) if e.code == ErrorCode::ShuttingDown => {
                        refused_shutting_down += 1
                    }
                    other => panic!("unexpected ack {other:?}"),
                }
            }
            // The connection closed with this ack pending: not acknowledged, so not promised.
            Err(_) => open = false,
        }
        if !signalled && acked.len() >= 300 {
            a.sigterm();
            signalled = true;
        }
    }
    assert!(signalled, "the load ended before SIGTERM was sent");
    assert!(a.wait_exit(), "instance A did not exit cleanly");
    // Whether a send lands in the short closing window is a matter of timing; either outcome is valid, and
    // neither counts as acknowledged.
    eprintln!(
        "acknowledged {}, refused with shutting_down {refused_shutting_down}",
        acked.len()
    );

    // Everything acknowledged reached the member on B...
    let mut missing = acked.clone();
    while !missing.is_empty() {
        match tokio::time::timeout(GUARD, receiver.next()).await {
            Ok(Some(Incoming::Event { name, args, .. })) if name == EV_MESSAGE => {
                missing.remove(args[0]["id"].as_str().unwrap());
            }
            Ok(Some(Incoming::Event { .. })) => {}
            other => panic!(
                "{} acknowledged messages never reached B ({other:?})",
                missing.len()
            ),
        }
    }
    // ...and is in the room history.
    let late = connect(&b).await;
    let ack: JoinAck = request(
        &late,
        EV_JOIN,
        &JoinRequest {
            room: room.clone(),
            nick: "late".into(),
        },
    )
    .await;
    let stored: HashSet<String> = ack.history.into_iter().map(|m| m.id).collect();
    let lost: Vec<_> = acked.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged messages missing from history",
        lost.len()
    );
}

#[tokio::test]
async fn health_reports_draining_then_new_connections_are_refused() {
    let env = [("ESCALA_CHAT_DRAIN_GRACE_MS", "3000")];
    let mut a = Server::start("drain-a", &env);
    let (code, body) = a.health().await;
    assert_eq!((code, body["status"].as_str()), (200, Some("ok")));

    let mut existing = connect(&a).await;
    a.sigterm();
    // The health check flips to 503 "draining" (polled: the signal is handled asynchronously).
    let mut last = (0, serde_json::Value::Null);
    for _ in 0..300 {
        last = a.health().await;
        if last.0 == 503 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!((last.0, last.1["status"].as_str()), (503, Some("draining")));

    // A connected client is closed by the server when the grace period ends.
    loop {
        match tokio::time::timeout(GUARD, existing.next())
            .await
            .expect("not closed in time")
        {
            Some(Incoming::Closed) | None => break,
            Some(_) => {}
        }
    }
    assert!(a.wait_exit());
}

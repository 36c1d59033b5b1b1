//! Two real instances sharing one real Redis: rooms and broadcasts span instances, history outlives an instance.

mod support;

use escala_chat_proto::{
    EV_JOINED, EV_LEFT, EV_MESSAGE, EV_TYPING, SendAck, SendMessage, TypingRequest, now_us,
};
use support::{Server, connect, events_until, join, next_named, request, unique};

fn msg(room: &str, text: &str) -> SendMessage {
    SendMessage {
        room: room.into(),
        text: text.into(),
        sent_at_us: now_us(),
        cid: None,
    }
}

#[tokio::test]
async fn message_on_instance_a_reaches_room_members_on_instance_b_only() {
    let a = Server::start("cluster-a", &[]);
    let b = Server::start("cluster-b", &[]);
    let room = unique("room");
    let other = unique("other");

    let alice = connect(&a).await;
    let mut bob = connect(&b).await;
    let mut carol = connect(&b).await;
    let mut dave = connect(&a).await;
    join(&bob, &room, "bob").await;
    join(&carol, &other, "carol").await;
    join(&dave, &room, "dave").await;
    join(&alice, &room, "alice").await;

    // Bob (on B) hears about Alice joining on A.
    let joined = next_named(&mut bob, EV_JOINED).await;
    assert_eq!(joined["nick"], "dave");
    let joined = next_named(&mut bob, EV_JOINED).await;
    assert_eq!(joined["nick"], "alice");

    let ack: SendAck = request(&alice, EV_MESSAGE, &msg(&room, "hello from A")).await;
    assert!(ack.ok, "{:?}", ack.error);
    let id = ack.id.expect("message id");

    for receiver in [&mut bob, &mut dave] {
        let got = next_named(receiver, EV_MESSAGE).await;
        assert_eq!(got["text"], "hello from A");
        assert_eq!(got["nick"], "alice");
        assert_eq!(got["room"], room.as_str());
        assert_eq!(got["id"], id.as_str());
    }

    // Carol, on B but in another room, must see nothing of it. A marker sent to her room afterwards, through
    // the same instance A, arrives after anything A published before it: everything she received before the
    // marker is what leaked.
    let erin = connect(&a).await;
    join(&erin, &other, "erin").await;
    let ack: SendAck = request(&erin, EV_MESSAGE, &msg(&other, "marker")).await;
    assert!(ack.ok);
    let seen = events_until(&mut carol, EV_MESSAGE, "text", "marker").await;
    let leaked: Vec<_> = seen
        .iter()
        .filter(|(n, v)| n == EV_MESSAGE && v["room"] == room.as_str())
        .collect();
    assert!(
        leaked.is_empty(),
        "carol got messages of a room she is not in: {leaked:?}"
    );
    assert!(
        seen.iter().all(|(_, v)| v["room"] == other.as_str()),
        "carol saw: {seen:?}"
    );

    // The typing indicator crosses instances too, and names the typist.
    let ack: escala_chat_proto::Ack = request(
        &alice,
        EV_TYPING,
        &TypingRequest {
            room: room.clone(),
            typing: true,
        },
    )
    .await;
    assert!(ack.ok);
    let typing = next_named(&mut bob, EV_TYPING).await;
    assert_eq!(
        (typing["nick"].as_str(), typing["typing"].as_bool()),
        (Some("alice"), Some(true))
    );

    // Leaving (here by disconnecting) is announced to the room on the other instance.
    drop(alice);
    let left = next_named(&mut bob, EV_LEFT).await;
    assert_eq!(left["nick"], "alice");
}

#[tokio::test]
async fn history_survives_an_instance_restart() {
    let mut a = Server::start("history-a", &[("ESCALA_CHAT_HISTORY_LEN", "3")]);
    let b = Server::start("history-b", &[("ESCALA_CHAT_HISTORY_LEN", "3")]);
    let room = unique("history");

    let alice = connect(&a).await;
    join(&alice, &room, "alice").await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let ack: SendAck = request(&alice, EV_MESSAGE, &msg(&room, &format!("m{i}"))).await;
        assert!(ack.ok);
        ids.push(ack.id.unwrap());
    }
    drop(alice);
    a.sigterm();
    assert!(a.wait_exit(), "instance A did not exit cleanly on SIGTERM");

    // A new instance in A's place, and B which never saw the messages, both serve the same history:
    // the newest 3 (the configured length), oldest first.
    let a2 = Server::start("history-a2", &[("ESCALA_CHAT_HISTORY_LEN", "3")]);
    for server in [&a2, &b] {
        let c = connect(server).await;
        let ack = join(&c, &room, "late").await;
        let texts: Vec<_> = ack.history.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["m1", "m2", "m3"]);
        let got_ids: Vec<_> = ack.history.iter().map(|m| m.id.clone()).collect();
        assert_eq!(got_ids, ids[1..]);
        assert!(ack.history.iter().all(|m| m.nick == "alice"));
    }
}

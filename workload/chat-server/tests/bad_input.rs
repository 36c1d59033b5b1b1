//! Hostile or broken input gets a specific rejection, and the server keeps serving everyone.

mod support;

use escala_chat_proto::{
    Ack, EV_ERROR, EV_JOIN, EV_MESSAGE, ErrorCode, JoinAck, JoinRequest, SendAck, SendMessage,
    now_us,
};
use serde_json::json;
use support::{Server, connect, next_named, request, unique};

fn msg(room: &str, text: String) -> SendMessage {
    SendMessage {
        room: room.into(),
        text,
        sent_at_us: now_us(),
        cid: None,
    }
}

async fn assert_still_serves(server: &Server, room: &str) {
    let (code, body) = server.health().await;
    assert_eq!(
        (code, body["status"].as_str()),
        (200, Some("ok")),
        "health after abuse: {body}"
    );
    let c = connect(server).await;
    let ack: JoinAck = request(
        &c,
        EV_JOIN,
        &JoinRequest {
            room: room.into(),
            nick: "fresh".into(),
        },
    )
    .await;
    assert!(ack.ok, "{:?}", ack.error);
    let ack: SendAck = request(&c, EV_MESSAGE, &msg(room, "still here".into())).await;
    assert!(ack.ok, "{:?}", ack.error);
}

#[tokio::test]
async fn invalid_requests_get_specific_rejections() {
    let server = Server::start("bad-input", &[("ESCALA_CHAT_MAX_MESSAGE_CHARS", "100")]);
    let room = unique("bad");
    let mut c = connect(&server).await;

    let code = |e: Option<escala_chat_proto::Rejection>| e.map(|e| e.code);

    // Room names with control characters, and a blank nickname.
    for bad_room in ["evil\u{1b}[31m", "new\nline", "nul\u{0}"] {
        let ack: JoinAck = request(
            &c,
            EV_JOIN,
            &JoinRequest {
                room: bad_room.into(),
                nick: "x".into(),
            },
        )
        .await;
        assert_eq!(
            (ack.ok, code(ack.error)),
            (false, Some(ErrorCode::InvalidRoom)),
            "room {bad_room:?}"
        );
    }
    let ack: JoinAck = request(
        &c,
        EV_JOIN,
        &JoinRequest {
            room: room.clone(),
            nick: " ".into(),
        },
    )
    .await;
    assert_eq!(code(ack.error), Some(ErrorCode::InvalidNick));

    // Sending before joining.
    let ack: SendAck = request(&c, EV_MESSAGE, &msg(&room, "hi".into())).await;
    assert_eq!(code(ack.error), Some(ErrorCode::NotInRoom));

    let ack: JoinAck = request(
        &c,
        EV_JOIN,
        &JoinRequest {
            room: room.clone(),
            nick: "mallory".into(),
        },
    )
    .await;
    assert!(ack.ok);

    // Oversized and empty messages.
    let ack: SendAck = request(&c, EV_MESSAGE, &msg(&room, "x".repeat(101))).await;
    let err = ack.error.clone().unwrap();
    assert_eq!((ack.ok, err.code), (false, ErrorCode::MessageTooLong));
    assert!(err.message.contains("limit is 100"), "{}", err.message);
    let ack: SendAck = request(&c, EV_MESSAGE, &msg(&room, "  ".into())).await;
    assert_eq!(code(ack.error), Some(ErrorCode::EmptyMessage));

    // Malformed payloads: wrong type, missing fields.
    let ack: SendAck = request(&c, EV_MESSAGE, &json!("just a string")).await;
    assert_eq!(code(ack.error), Some(ErrorCode::BadPayload));
    let ack: SendAck = request(&c, EV_MESSAGE, &json!({"room": room})).await;
    assert_eq!(code(ack.error), Some(ErrorCode::BadPayload));
    let ack: JoinAck = request(&c, EV_JOIN, &json!([1, 2, 3])).await;
    assert_eq!(code(ack.error), Some(ErrorCode::BadPayload));

    // An unknown event, with and without an ack callback.
    let ack: Ack = request(&c, "drop_tables", &json!({})).await;
    assert_eq!(code(ack.error), Some(ErrorCode::UnknownEvent));
    c.emit("drop_tables", &json!({})).unwrap();
    let err = next_named(&mut c, EV_ERROR).await;
    assert_eq!(
        (err["code"].as_str(), err["event"].as_str()),
        (Some("unknown_event"), Some("drop_tables"))
    );

    // A malformed message without a callback is answered with a chat_error event.
    c.emit(EV_MESSAGE, &json!(42)).unwrap();
    let err = next_named(&mut c, EV_ERROR).await;
    assert_eq!(
        (err["code"].as_str(), err["event"].as_str()),
        (Some("bad_payload"), Some("message"))
    );

    // The same connection still works after all that.
    let ack: SendAck = request(&c, EV_MESSAGE, &msg(&room, "ok now".into())).await;
    assert!(ack.ok, "{:?}", ack.error);
    assert_still_serves(&server, &room).await;
}

#[tokio::test]
async fn broken_frames_and_oversized_packets_do_not_take_the_server_down() {
    let server = Server::start("bad-frames", &[("ESCALA_CHAT_MAX_PAYLOAD_BYTES", "16384")]);
    let room = unique("frames");

    // Not JSON at all inside an event packet, and an unknown packet type.
    let broken = connect(&server).await;
    broken.send_raw("42[\"message\",{\"room\":").unwrap();
    broken.send_raw("49garbage").unwrap();
    // A frame larger than the engine.io payload limit.
    let huge = connect(&server).await;
    huge.send_raw(format!(
        "42[\"message\",{{\"text\":\"{}\"}}]",
        "y".repeat(100_000)
    ))
    .unwrap();

    assert_still_serves(&server, &room).await;
}

#[tokio::test]
async fn a_flooding_client_is_rate_limited_and_others_are_unaffected() {
    let server = Server::start(
        "flood",
        &[
            ("ESCALA_CHAT_RATE_PER_SEC", "5"),
            ("ESCALA_CHAT_RATE_BURST", "10"),
        ],
    );
    let room = unique("flood");
    let flooder = connect(&server).await;
    let ack: JoinAck = request(
        &flooder,
        EV_JOIN,
        &JoinRequest {
            room: room.clone(),
            nick: "flood".into(),
        },
    )
    .await;
    assert!(ack.ok);

    // 200 messages without waiting for any acknowledgement.
    let pending: Vec<_> = (0..200)
        .map(|i| {
            flooder
                .emit_with_ack_rx(EV_MESSAGE, &msg(&room, format!("spam {i}")))
                .unwrap()
        })
        .collect();
    let mut accepted = 0;
    let mut limited = 0;
    for rx in pending {
        let args = tokio::time::timeout(support::GUARD, rx)
            .await
            .expect("ack missing")
            .expect("connection closed");
        let ack: SendAck = serde_json::from_value(args[0].clone()).unwrap();
        match (ack.ok, ack.error.map(|e| e.code)) {
            (true, _) => accepted += 1,
            (false, Some(ErrorCode::RateLimited)) => limited += 1,
            other => panic!("unexpected ack {other:?}"),
        }
    }
    assert!(
        limited > 0 && accepted > 0,
        "accepted {accepted}, limited {limited}"
    );
    assert!(accepted < 200, "the flood was not limited at all");

    // Another client on the same instance is not affected by the flooder's limit.
    assert_still_serves(&server, &room).await;
}

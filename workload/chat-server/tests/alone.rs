//! One instance alone (`REDIS_URL=none`, the fargate route's `redis: none`): no Redis anywhere, the
//! room's members still get each other's messages and a later joiner the history, from memory.

mod support;

use escala_chat_proto::{EV_MESSAGE, SendAck, SendMessage, now_us};
use support::{Server, connect, join, next_named, request};

#[tokio::test]
async fn without_redis_one_instance_serves_its_rooms_and_their_history() {
    let server = Server::start("alone", &[("REDIS_URL", "none")]);
    let (status, health) = server.health().await;
    assert_eq!(
        (status, &health["redis"]),
        (200, &"none".into()),
        "{health}"
    );

    let ana = connect(&server).await;
    let mut bruno = connect(&server).await;
    join(&ana, "lobby", "ana").await;
    join(&bruno, "lobby", "bruno").await;
    let sent = SendMessage {
        room: "lobby".into(),
        text: "hola".into(),
        sent_at_us: now_us(),
        cid: None,
    };
    let ack: SendAck = request(&ana, EV_MESSAGE, &sent).await;
    assert!(ack.ok, "{:?}", ack.error);
    assert_eq!(next_named(&mut bruno, EV_MESSAGE).await["text"], "hola");

    let carla = connect(&server).await;
    let history = join(&carla, "lobby", "carla").await.history;
    assert_eq!(
        history.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
        ["hola"]
    );
}

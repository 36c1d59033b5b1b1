//! Socket.io event handlers. Every handler validates its input and answers with an ack or a rejection; a
//! bad event never closes the connection nor affects other sockets.

use escala_chat_proto::{
    Ack, ChatMessage, EV_JOIN, EV_JOINED, EV_LEAVE, EV_LEFT, EV_MESSAGE, EV_TYPING, ErrorCode,
    JoinAck, JoinRequest, LeaveRequest, PresenceNotice, Rejection, SendAck, SendMessage,
    TypingNotice, TypingRequest,
};
use socketioxide::adapter::Adapter;
use socketioxide::extract::{SocketRef, State, TryData};

use crate::app::SharedApp;
use crate::events::Payload;
use crate::reply::Reply;
use crate::session::Session;
use crate::validate;

/// Connect middleware: sets the socket up before socket.io acknowledges the connection.
///
/// socketioxide sends the CONNECT acknowledgement and then spawns the connect handler, so a client that
/// emits right after connecting could reach a socket without handlers and its event would be dropped.
/// Middleware runs before the acknowledgement, so registering here closes that race.
pub async fn register<A: Adapter>(
    socket: SocketRef<A>,
    State(app): State<SharedApp>,
) -> Result<(), Rejection> {
    if app.is_draining() {
        // Refused with a connect_error: the client reconnects, through the load balancer, to another instance.
        return Err(shutting_down());
    }
    app.connection_opened();
    socket
        .extensions
        .insert(Session::new(app.config.rate_per_sec, app.config.rate_burst));
    // One handler for every event: see events.rs for why not one per event.
    socket.on_fallback(on_event);
    socket.on_disconnect(on_disconnect);
    Ok(())
}

pub async fn on_connect<A: Adapter>(socket: SocketRef<A>) {
    tracing::debug!(socket = %socket.id, "connected");
}

fn session<A: Adapter>(socket: &SocketRef<A>) -> Session {
    // Inserted in on_connect before any handler is registered, so always present.
    socket
        .extensions
        .get::<Session>()
        .unwrap_or_else(|| Session::new(1.0, 1.0))
}

fn bad_payload(event: &str, err: impl std::fmt::Display) -> Rejection {
    Rejection::new(
        ErrorCode::BadPayload,
        format!("{event} expects a JSON object of the documented shape: {err}"),
    )
}

fn rate_limited() -> Rejection {
    Rejection::new(ErrorCode::RateLimited, "too many events, slow down")
}

async fn on_event<A: Adapter>(
    socket: SocketRef<A>,
    reply: Reply<A>,
    State(app): State<SharedApp>,
    mut payload: Payload,
) {
    match payload.event() {
        EV_JOIN => on_join(socket, payload.data(), reply, app).await,
        EV_LEAVE => on_leave(socket, payload.data(), reply).await,
        EV_MESSAGE => on_message(socket, payload.data(), reply, app).await,
        EV_TYPING => on_typing(socket, payload.data(), reply).await,
        unknown => on_unknown(unknown, reply),
    }
}

async fn on_join<A: Adapter>(
    socket: SocketRef<A>,
    TryData(req): TryData<JoinRequest>,
    reply: Reply<A>,
    app: SharedApp,
) {
    let req = match req {
        Ok(r) => r,
        Err(e) => return reply.reject::<JoinAck>(EV_JOIN, bad_payload(EV_JOIN, e)),
    };
    let session = session(&socket);
    if !session.allow_event() {
        return reply.reject::<JoinAck>(EV_JOIN, rate_limited());
    }
    if app.is_draining() {
        return reply.reject::<JoinAck>(EV_JOIN, shutting_down());
    }
    let cfg = &app.config;
    if let Err(r) = validate::room(&req.room, cfg.max_name_chars)
        .and(validate::nick(&req.nick, cfg.max_name_chars))
    {
        return reply.reject::<JoinAck>(EV_JOIN, r);
    }
    let newly_joined = {
        let mut s = session.lock();
        if !s.in_room(&req.room) && s.room_count() >= cfg.max_rooms_per_socket {
            drop(s);
            let r = Rejection::new(
                ErrorCode::TooManyRooms,
                format!("at most {} rooms per connection", cfg.max_rooms_per_socket),
            );
            return reply.reject::<JoinAck>(EV_JOIN, r);
        }
        s.nick = Some(req.nick.clone());
        s.join(&req.room)
    };
    // Join before reading history, so that a message sent meanwhile is at worst seen twice, never missed.
    socket.join(req.room.clone());
    let history = match app.history.recent(&req.room).await {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(error = %e, room = %req.room, "history read failed");
            let r = Rejection::new(ErrorCode::Unavailable, "history is unavailable, try again");
            return reply.reject::<JoinAck>(EV_JOIN, r);
        }
    };
    reply.ok(&JoinAck {
        ok: true,
        history,
        error: None,
    });
    if newly_joined {
        let notice = PresenceNotice {
            room: req.room.clone(),
            nick: req.nick,
        };
        if let Err(e) = socket.to(req.room).emit(EV_JOINED, &notice).await {
            tracing::warn!(error = %e, "join notice broadcast failed");
        }
    }
}

async fn on_leave<A: Adapter>(
    socket: SocketRef<A>,
    TryData(req): TryData<LeaveRequest>,
    reply: Reply<A>,
) {
    let req = match req {
        Ok(r) => r,
        Err(e) => return reply.reject::<Ack>(EV_LEAVE, bad_payload(EV_LEAVE, e)),
    };
    let session = session(&socket);
    if !session.allow_event() {
        return reply.reject::<Ack>(EV_LEAVE, rate_limited());
    }
    let Some(nick) = session.nick_in(&req.room) else {
        return reply.reject::<Ack>(EV_LEAVE, not_in_room(&req.room));
    };
    session.lock().leave(&req.room);
    socket.leave(req.room.clone());
    reply.ok(&Ack::ok());
    let notice = PresenceNotice {
        room: req.room.clone(),
        nick,
    };
    if let Err(e) = socket.to(req.room).emit(EV_LEFT, &notice).await {
        tracing::warn!(error = %e, "leave notice broadcast failed");
    }
}

fn not_in_room(room: &str) -> Rejection {
    // The name is not echoed verbatim: it may be the very input that was refused.
    Rejection::new(
        ErrorCode::NotInRoom,
        format!(
            "join the room first ({:?})",
            room.chars().take(64).collect::<String>()
        ),
    )
}

fn shutting_down() -> Rejection {
    Rejection::new(
        ErrorCode::ShuttingDown,
        "this instance is shutting down, reconnect and resend",
    )
}

async fn on_message<A: Adapter>(
    socket: SocketRef<A>,
    TryData(req): TryData<SendMessage>,
    reply: Reply<A>,
    app: SharedApp,
) {
    let req = match req {
        Ok(r) => r,
        Err(e) => return reply.reject::<SendAck>(EV_MESSAGE, bad_payload(EV_MESSAGE, e)),
    };
    let session = session(&socket);
    if !session.allow_event() {
        return reply.reject::<SendAck>(EV_MESSAGE, rate_limited());
    }
    if app.is_closing() {
        return reply.reject::<SendAck>(EV_MESSAGE, shutting_down());
    }
    if let Err(r) = validate::text(&req.text, app.config.max_message_chars)
        .and(validate::cid(req.cid.as_deref()))
    {
        return reply.reject::<SendAck>(EV_MESSAGE, r);
    }
    let Some(nick) = session.nick_in(&req.room) else {
        return reply.reject::<SendAck>(EV_MESSAGE, not_in_room(&req.room));
    };
    // From here the message counts as in flight: shutdown waits for it to be stored, published and acked.
    let _in_flight = app.track_in_flight();
    let msg = ChatMessage {
        id: app.next_message_id(),
        room: req.room,
        nick,
        text: req.text,
        sent_at_us: req.sent_at_us,
        server_ts_ms: escala_chat_proto::now_us() / 1000,
        cid: req.cid,
    };
    if let Err(e) = app.history.push(&msg).await {
        tracing::warn!(error = %e, "history write failed");
        let r = Rejection::new(
            ErrorCode::Unavailable,
            "message store unavailable, not sent",
        );
        return reply.reject::<SendAck>(EV_MESSAGE, r);
    }
    if let Err(e) = socket.to(msg.room.clone()).emit(EV_MESSAGE, &msg).await {
        tracing::warn!(error = %e, "message broadcast failed");
        let r = Rejection::new(
            ErrorCode::Unavailable,
            "message stored but broadcast failed",
        );
        return reply.reject::<SendAck>(EV_MESSAGE, r);
    }
    reply.ok(&SendAck {
        ok: true,
        id: Some(msg.id),
        error: None,
    });
}

async fn on_typing<A: Adapter>(
    socket: SocketRef<A>,
    TryData(req): TryData<TypingRequest>,
    reply: Reply<A>,
) {
    let req = match req {
        Ok(r) => r,
        Err(e) => return reply.reject::<Ack>(EV_TYPING, bad_payload(EV_TYPING, e)),
    };
    let session = session(&socket);
    if !session.allow_event() {
        return reply.reject::<Ack>(EV_TYPING, rate_limited());
    }
    let Some(nick) = session.nick_in(&req.room) else {
        return reply.reject::<Ack>(EV_TYPING, not_in_room(&req.room));
    };
    let notice = TypingNotice {
        room: req.room.clone(),
        nick,
        typing: req.typing,
    };
    if let Err(e) = socket.to(req.room).emit(EV_TYPING, &notice).await {
        tracing::debug!(error = %e, "typing broadcast failed");
    }
    reply.ok(&Ack::ok());
}

fn on_unknown<A: Adapter>(event: &str, reply: Reply<A>) {
    let shown: String = event.chars().take(64).collect();
    let r = Rejection::new(ErrorCode::UnknownEvent, format!("unknown event {shown:?}"));
    reply.reject::<Ack>(&shown, r);
}

async fn on_disconnect<A: Adapter>(socket: SocketRef<A>, State(app): State<SharedApp>) {
    app.connection_closed();
    let session = session(&socket);
    let (nick, rooms) = {
        let s = session.lock();
        (s.nick.clone(), s.rooms().to_vec())
    };
    let Some(nick) = nick else { return };
    for room in rooms {
        let notice = PresenceNotice {
            room: room.clone(),
            nick: nick.clone(),
        };
        if let Err(e) = socket.to(room).emit(EV_LEFT, &notice).await {
            tracing::debug!(error = %e, "leave notice broadcast failed");
        }
    }
}

// Reference chat server for the benchmark: the stack the seed had in mind (socket.io + @socket.io/redis-adapter
// on Node.js), speaking exactly the protocol of the Rust server (chat-proto/src/events.rs) with the same checks,
// the same Redis history (LPUSH + LTRIM in MULTI) and the same per-socket rate limit, so that both sides do
// the same work per message.
'use strict';

const http = require('node:http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

const env = (name, fallback) => (process.env[name] && process.env[name].trim() !== '' ? process.env[name] : fallback);
const num = (name, fallback) => Number(env(name, String(fallback)));

const config = {
  host: env('ESCALA_CHAT_HOST', '0.0.0.0'),
  port: num('ESCALA_CHAT_PORT', num('PORT', 3000)),
  redisUrl: env('REDIS_URL', 'redis://127.0.0.1:6379'),
  instanceId: env('ESCALA_CHAT_INSTANCE_ID', `node-${process.pid}`),
  historyLen: num('ESCALA_CHAT_HISTORY_LEN', 50),
  maxMessageChars: num('ESCALA_CHAT_MAX_MESSAGE_CHARS', 2000),
  maxNameChars: num('ESCALA_CHAT_MAX_NAME_CHARS', 48),
  maxRooms: num('ESCALA_CHAT_MAX_ROOMS', 16),
  ratePerSec: num('ESCALA_CHAT_RATE_PER_SEC', 20),
  rateBurst: num('ESCALA_CHAT_RATE_BURST', 40),
  maxPayload: num('ESCALA_CHAT_MAX_PAYLOAD_BYTES', 64 * 1024),
  socketBuffer: num('ESCALA_CHAT_SOCKET_BUFFER', 1024),
  drainGraceMs: num('ESCALA_CHAT_DRAIN_GRACE_MS', 2000),
};

const log = (level, message, fields = {}) =>
  console.log(JSON.stringify({ timestamp: new Date().toISOString(), level, message, ...fields }));

const reject = (code, message) => ({ ok: false, error: { code, message } });
const hasControl = (s, allowNewlines) => [...s].some((c) => {
  const cp = c.codePointAt(0);
  const control = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
  return control && !(allowNewlines && (c === '\n' || c === '\t'));
});
const checkName = (kind, code, v) => {
  if (typeof v !== 'string' || v.trim() === '') return reject(code, `${kind} must not be empty`);
  if (v.trim() !== v) return reject(code, `${kind} must not start or end with whitespace`);
  const n = [...v].length;
  if (n > config.maxNameChars) return reject(code, `${kind} is ${n} characters long, the limit is ${config.maxNameChars}`);
  if (hasControl(v, false)) return reject(code, `${kind} contains a control character`);
  return null;
};
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const historyKey = (room) => `escala:chat:history:${room}`;

class TokenBucket {
  constructor(rate, burst) { this.rate = rate; this.burst = burst; this.tokens = burst; this.last = process.hrtime.bigint(); }
  tryTake() {
    const now = process.hrtime.bigint();
    this.tokens = Math.min(this.burst, this.tokens + (Number(now - this.last) / 1e9) * this.rate);
    this.last = now;
    if (this.tokens >= 1) { this.tokens -= 1; return true; }
    return false;
  }
}

async function main() {
  const pub = createClient({ url: config.redisUrl });
  const sub = pub.duplicate();
  const store = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect(), store.connect()]);

  let draining = false;
  let closing = false;
  let nextId = 1;
  let inFlight = 0;

  const httpServer = http.createServer(async (req, res) => {
    if (req.url === '/healthz') {
      let redisOk = true;
      try { await store.ping(); } catch { redisOk = false; }
      const status = draining ? 'draining' : redisOk ? 'ok' : 'redis_unavailable';
      res.writeHead(status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status, instance: config.instanceId, connections: io.engine.clientsCount, redis: redisOk ? 'ok' : 'unavailable' }));
      return;
    }
    res.writeHead(404).end();
  });
  const io = new Server(httpServer, {
    adapter: createAdapter(pub, sub),
    transports: ['websocket', 'polling'],
    maxHttpBufferSize: config.maxPayload,
    serveClient: false,
  });

  io.use((socket, next) => (draining ? next(new Error('shutting_down: this instance is shutting down')) : next()));

  io.on('connection', (socket) => {
    const session = { nick: null, rooms: new Set(), bucket: new TokenBucket(config.ratePerSec, config.rateBurst) };
    const answer = (event, ack, body) => {
      if (typeof ack === 'function') ack(body);
      else if (!body.ok) socket.emit('chat_error', { event, ...body.error });
    };
    const limited = () => reject('rate_limited', 'too many events, slow down');

    socket.on('join', async (req, ack) => {
      if (!isObject(req)) return answer('join', ack, reject('bad_payload', 'join expects a JSON object'));
      if (!session.bucket.tryTake()) return answer('join', ack, limited());
      const bad = checkName('room name', 'invalid_room', req.room) || checkName('nickname', 'invalid_nick', req.nick);
      if (bad) return answer('join', ack, bad);
      const fresh = !session.rooms.has(req.room);
      if (fresh && session.rooms.size >= config.maxRooms) return answer('join', ack, reject('too_many_rooms', `at most ${config.maxRooms} rooms per connection`));
      session.nick = req.nick;
      session.rooms.add(req.room);
      socket.join(req.room);
      let raw;
      try { raw = await store.lRange(historyKey(req.room), 0, config.historyLen - 1); } catch (e) {
        return answer('join', ack, reject('unavailable', 'history is unavailable, try again'));
      }
      const history = raw.reverse().flatMap((s) => { try { return [JSON.parse(s)]; } catch { return []; } });
      answer('join', ack, { ok: true, history });
      if (fresh) socket.to(req.room).emit('user_joined', { room: req.room, nick: req.nick });
    });

    socket.on('leave', (req, ack) => {
      if (!isObject(req)) return answer('leave', ack, reject('bad_payload', 'leave expects a JSON object'));
      if (!session.bucket.tryTake()) return answer('leave', ack, limited());
      if (!session.rooms.has(req.room)) return answer('leave', ack, reject('not_in_room', 'join the room first'));
      session.rooms.delete(req.room);
      socket.leave(req.room);
      answer('leave', ack, { ok: true });
      socket.to(req.room).emit('user_left', { room: req.room, nick: session.nick });
    });

    socket.on('message', async (req, ack) => {
      if (!isObject(req) || typeof req.room !== 'string' || typeof req.text !== 'string' || typeof req.sent_at_us !== 'number') {
        return answer('message', ack, reject('bad_payload', 'message expects {room, text, sent_at_us}'));
      }
      if (!session.bucket.tryTake()) return answer('message', ack, limited());
      if (closing) return answer('message', ack, reject('shutting_down', 'this instance is shutting down, reconnect and resend'));
      if (req.text.trim() === '') return answer('message', ack, reject('empty_message', 'message text must not be empty'));
      const n = [...req.text].length;
      if (n > config.maxMessageChars) return answer('message', ack, reject('message_too_long', `message is ${n} characters long, the limit is ${config.maxMessageChars}`));
      if (hasControl(req.text, true)) return answer('message', ack, reject('bad_payload', 'message contains a control character'));
      if (req.cid !== undefined && (typeof req.cid !== 'string' || req.cid.length > 64)) return answer('message', ack, reject('bad_payload', 'cid must be at most 64 printable bytes'));
      if (!session.rooms.has(req.room)) return answer('message', ack, reject('not_in_room', 'join the room first'));
      inFlight += 1;
      try {
        const msg = {
          id: `${config.instanceId}-${nextId++}`, room: req.room, nick: session.nick, text: req.text,
          sent_at_us: req.sent_at_us, server_ts_ms: Date.now(), ...(req.cid !== undefined ? { cid: req.cid } : {}),
        };
        try {
          await store.multi().lPush(historyKey(msg.room), JSON.stringify(msg)).lTrim(historyKey(msg.room), 0, config.historyLen - 1).exec();
        } catch (e) {
          return answer('message', ack, reject('unavailable', 'message store unavailable, not sent'));
        }
        socket.to(msg.room).emit('message', msg);
        answer('message', ack, { ok: true, id: msg.id });
      } finally {
        inFlight -= 1;
      }
    });

    socket.on('typing', (req, ack) => {
      if (!isObject(req) || typeof req.room !== 'string') return answer('typing', ack, reject('bad_payload', 'typing expects {room, typing}'));
      if (!session.bucket.tryTake()) return answer('typing', ack, limited());
      if (!session.rooms.has(req.room)) return answer('typing', ack, reject('not_in_room', 'join the room first'));
      socket.to(req.room).emit('typing', { room: req.room, nick: session.nick, typing: !!req.typing });
      answer('typing', ack, { ok: true });
    });

    socket.onAny((event, ...args) => {
      if (['join', 'leave', 'message', 'typing'].includes(event)) return;
      const ack = args.find((a) => typeof a === 'function');
      answer(String(event).slice(0, 64), ack, reject('unknown_event', `unknown event ${JSON.stringify(String(event).slice(0, 64))}`));
    });

    socket.on('disconnect', () => {
      if (!session.nick) return;
      for (const room of session.rooms) socket.to(room).emit('user_left', { room, nick: session.nick });
    });
  });

  httpServer.listen(config.port, config.host, () => log('INFO', 'listening', { addr: `${config.host}:${httpServer.address().port}`, instance: config.instanceId }));

  const shutdown = async (signal) => {
    if (draining) return;
    draining = true;
    log('INFO', 'draining', { signal });
    await new Promise((r) => setTimeout(r, config.drainGraceMs));
    closing = true;
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    io.close();
    await Promise.allSettled([pub.quit(), sub.quit(), store.quit()]);
    log('INFO', 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e) => { log('ERROR', 'stopped', { error: String(e) }); process.exit(1); });

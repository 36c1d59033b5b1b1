// The official socket.io JavaScript client (the one the web page bundles) against two real escala-chat
// instances and a real Redis: the protocol compatibility promise of the Rust server.
// Run by scripts/test.sh with ESCALA_CHAT_BIN and ESCALA_TEST_REDIS_URL set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';

const bin = process.env.ESCALA_CHAT_BIN;
const redisUrl = process.env.ESCALA_TEST_REDIS_URL;
const servers = [];

function startServer(name) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [], {
      env: {
        PATH: process.env.PATH, REDIS_URL: redisUrl, ESCALA_CHAT_HOST: '127.0.0.1', ESCALA_CHAT_PORT: '0',
        ESCALA_CHAT_INSTANCE_ID: name, ESCALA_CHAT_LOG_FORMAT: 'json', ESCALA_CHAT_DRAIN_GRACE_MS: '100',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.message === 'listening') {
          const port = entry.addr.split(':').pop();
          servers.push(child);
          resolve(`http://127.0.0.1:${port}`);
        }
      } catch { /* not a log line */ }
    });
  });
}

const connect = (url) => new Promise((resolve, reject) => {
  const s = io(url, { transports: ['websocket'], reconnection: false, timeout: 10000 });
  s.once('connect', () => resolve(s));
  s.once('connect_error', reject);
});
const pollingConnect = (url) => new Promise((resolve, reject) => {
  const s = io(url, { transports: ['polling'], reconnection: false, timeout: 10000 });
  s.once('connect', () => resolve(s));
  s.once('connect_error', reject);
});
const once = (socket, event) => new Promise((resolve) => socket.once(event, resolve));
const request = (socket, event, body) => socket.timeout(20000).emitWithAck(event, body);

let urlA;
let urlB;
before(async () => {
  assert.ok(bin && redisUrl, 'ESCALA_CHAT_BIN and ESCALA_TEST_REDIS_URL must be set (run scripts/test.sh)');
  [urlA, urlB] = await Promise.all([startServer('js-a'), startServer('js-b')]);
});
after(() => {
  for (const child of servers) { child.removeAllListeners('exit'); child.kill('SIGTERM'); }
});

test('official client: rooms, history and messages across two instances', async () => {
  const room = `js-${process.pid}-${Date.now()}`;
  const alice = await connect(urlA);
  const bob = await pollingConnect(urlB); // long-polling transport works too
  try {
    let ack = await request(bob, 'join', { room, nick: 'bob' });
    assert.equal(ack.ok, true);
    assert.deepEqual(ack.history, []);
    const joined = once(bob, 'user_joined');
    ack = await request(alice, 'join', { room, nick: 'alice' });
    assert.equal(ack.ok, true);
    assert.equal((await joined).nick, 'alice');

    const received = once(bob, 'message');
    const sent = await request(alice, 'message', { room, text: 'héllo 👋', sent_at_us: Date.now() * 1000 });
    assert.equal(sent.ok, true);
    const msg = await received;
    assert.equal(msg.text, 'héllo 👋');
    assert.equal(msg.nick, 'alice');
    assert.equal(msg.id, sent.id);

    const typing = once(bob, 'typing');
    alice.emit('typing', { room, typing: true });
    assert.deepEqual(await typing, { room, nick: 'alice', typing: true });

    const late = await connect(urlB);
    ack = await request(late, 'join', { room, nick: 'late' });
    assert.deepEqual(ack.history.map((m) => m.text), ['héllo 👋']);
    late.close();
  } finally {
    alice.close();
    bob.close();
  }
});

test('official client: rejections carry a specific code', async () => {
  const s = await connect(urlA);
  try {
    const bad = await request(s, 'join', { room: 'bad\u0007room', nick: 'x' });
    assert.deepEqual([bad.ok, bad.error.code], [false, 'invalid_room']);
    const unknown = once(s, 'chat_error');
    s.emit('no_such_event', 1);
    assert.equal((await unknown).code, 'unknown_event');
    const notJoined = await request(s, 'message', { room: 'nowhere', text: 'x', sent_at_us: 1 });
    assert.equal(notJoined.error.code, 'not_in_room');
  } finally {
    s.close();
  }
});

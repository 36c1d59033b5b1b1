// The official socket.io client against the chat server running from the unpacked image.
// Usage: NODE_PATH=workload/web/node_modules node chat_client.cjs http://127.0.0.1:PORT
// Checks the health endpoint and the web client the image serves, then two members of one room:
// alice's message (workload/chat-proto's `message` event) must be acknowledged and reach bob.
// Exits 0 when all of it happened, 1 otherwise.
'use strict';
const { io } = require('socket.io-client');

const url = process.argv[2];
const fail = (why) => {
  console.error(`chat client: ${why}`);
  process.exit(1);
};
setTimeout(() => fail('no answer within 30 s'), 30000).unref();

const connect = () =>
  new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, timeout: 10000 });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
const request = (socket, event, body) => socket.timeout(10000).emitWithAck(event, body);

(async () => {
  const health = await fetch(`${url}/healthz`);
  if (health.status !== 200) fail(`/healthz answered ${health.status}`);
  const page = await fetch(`${url}/`);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('<script')) fail(`/ answered ${page.status}: ${html.slice(0, 200)}`);

  const room = `image-${process.pid}`;
  const [alice, bob] = await Promise.all([connect(), connect()]);
  let ack = await request(bob, 'join', { room, nick: 'bob' });
  if (!ack.ok) fail(`bob's join was refused: ${JSON.stringify(ack)}`);
  ack = await request(alice, 'join', { room, nick: 'alice' });
  if (!ack.ok) fail(`alice's join was refused: ${JSON.stringify(ack)}`);

  const text = 'built without docker 📦';
  const received = new Promise((resolve) => bob.once('message', resolve));
  const sent = await request(alice, 'message', { room, text, sent_at_us: Date.now() * 1000 });
  if (!sent.ok) fail(`the message was refused: ${JSON.stringify(sent)}`);
  const message = await received;
  if (message.text !== text || message.nick !== 'alice' || message.id !== sent.id) {
    fail(`bob got ${JSON.stringify(message)}, not alice's message ${sent.id}`);
  }
  console.log(JSON.stringify({ ok: true, id: message.id, room }));
  alice.close();
  bob.close();
  process.exit(0);
})().catch((e) => fail(e.stack || String(e)));

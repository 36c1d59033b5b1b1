// The browser client. Speaks the protocol of chat-proto/src/events.rs: join/leave/message/typing with
// acknowledgements, and user_joined/user_left/typing/message/chat_error from the server.
import { io } from 'socket.io-client';

const $ = (id) => document.getElementById(id);
const state = { nick: '', current: '', rooms: new Map(), typingTimers: new Map(), lastTypingSent: 0 };
// Same origin: the page is served by the chat server it talks to. Websocket first, long-polling as a fallback.
const socket = io({ transports: ['websocket', 'polling'], autoConnect: false });

function roomState(name) {
  if (!state.rooms.has(name)) state.rooms.set(name, { items: [], unread: 0, typing: new Set() });
  return state.rooms.get(name);
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text; // textContent, never innerHTML: messages are untrusted.
  return e;
}

function renderRooms() {
  const list = $('rooms');
  list.replaceChildren(...[...state.rooms.entries()].map(([name, r]) => {
    const li = el('li', name === state.current ? 'active' : '', `# ${name}`);
    if (r.unread) li.append(el('span', 'badge', String(r.unread)));
    li.onclick = () => switchRoom(name);
    return li;
  }));
}

function renderMessages() {
  const r = roomState(state.current);
  $('room-title').textContent = `# ${state.current}`;
  $('messages').replaceChildren(...r.items.map((item) => {
    if (item.notice) return el('li', 'notice', item.notice);
    const li = el('li', item.nick === state.nick ? 'mine' : '');
    const time = new Date(item.server_ts_ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    li.append(el('span', 'meta', `${item.nick} · ${time}`), document.createTextNode(item.text));
    return li;
  }));
  $('messages').scrollTop = $('messages').scrollHeight;
  renderTyping();
}

function renderTyping() {
  const names = [...roomState(state.current).typing];
  $('typing').textContent = names.length === 0 ? '' : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
}

function push(room, item) {
  const r = roomState(room);
  if (item.id && r.items.some((m) => m.id === item.id)) return; // history and live delivery may overlap
  r.items.push(item);
  if (r.items.length > 500) r.items.shift();
  if (room === state.current) renderMessages(); else { r.unread += 1; renderRooms(); }
}

function switchRoom(name) {
  state.current = name;
  roomState(name).unread = 0;
  renderRooms();
  renderMessages();
}

function showError(target, err) {
  $(target).textContent = err ? `${err.message} (${err.code})` : '';
}

function join(room) {
  return new Promise((resolve) => {
    socket.timeout(10000).emit('join', { room, nick: state.nick }, (timeoutErr, ack) => {
      if (timeoutErr) return resolve({ ok: false, error: { code: 'timeout', message: 'no answer from the server' } });
      if (ack.ok) {
        const r = roomState(room);
        r.items = [];
        ack.history.forEach((m) => r.items.push(m));
      }
      resolve(ack);
    });
  });
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  state.nick = $('nick').value.trim();
  const room = $('room').value.trim();
  socket.connect();
  const ack = await join(room);
  if (!ack.ok) return showError('login-error', ack.error);
  $('login').hidden = true;
  $('chat').hidden = false;
  $('me').textContent = `as ${state.nick}`;
  switchRoom(room);
  $('text').focus();
});

$('add-room').addEventListener('submit', async (e) => {
  e.preventDefault();
  const room = $('new-room').value.trim();
  if (!room) return;
  const ack = await join(room);
  if (!ack.ok) return showError('chat-error', ack.error);
  $('new-room').value = '';
  switchRoom(room);
});

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('text').value;
  if (!text.trim()) return;
  const room = state.current;
  socket.timeout(10000).emit('message', { room, text, sent_at_us: Date.now() * 1000 }, (timeoutErr, ack) => {
    if (timeoutErr) return showError('chat-error', { code: 'timeout', message: 'message not confirmed, try again' });
    if (!ack.ok) return showError('chat-error', ack.error);
    showError('chat-error', null);
    // The server does not echo a message to its sender: show it once it is stored and published.
    push(room, { id: ack.id, room, nick: state.nick, text, server_ts_ms: Date.now() });
  });
  $('text').value = '';
  socket.emit('typing', { room, typing: false });
});

$('text').addEventListener('input', () => {
  const now = Date.now();
  if (now - state.lastTypingSent > 2000) {
    state.lastTypingSent = now;
    socket.emit('typing', { room: state.current, typing: true });
  }
});

// Shareable links: ?room=NAME prefills the room, and with &nick=NAME as well the page joins right away.
const params = new URLSearchParams(window.location.search);
if (params.get('room')) $('room').value = params.get('room');
if (params.get('nick')) $('nick').value = params.get('nick');
if (params.get('room') && params.get('nick')) $('login').requestSubmit();

socket.on('message', (m) => push(m.room, m));
socket.on('user_joined', (n) => push(n.room, { notice: `${n.nick} joined` }));
socket.on('user_left', (n) => push(n.room, { notice: `${n.nick} left` }));
socket.on('typing', (t) => {
  const r = roomState(t.room);
  clearTimeout(state.typingTimers.get(`${t.room}/${t.nick}`));
  if (t.typing) {
    r.typing.add(t.nick);
    // Forget a typist who went quiet without sending "stopped typing".
    state.typingTimers.set(`${t.room}/${t.nick}`, setTimeout(() => { r.typing.delete(t.nick); renderTyping(); }, 5000));
  } else {
    r.typing.delete(t.nick);
  }
  if (t.room === state.current) renderTyping();
});
socket.on('chat_error', (err) => showError('chat-error', err));
socket.on('connect', async () => {
  $('conn-dot').classList.add('on');
  $('conn-text').textContent = 'connected';
  // After a reconnect (for example this instance drained on deploy), rejoin every room on the new connection.
  if (!$('chat').hidden) for (const room of state.rooms.keys()) await join(room);
  if (state.current) renderMessages();
});
socket.on('disconnect', () => {
  $('conn-dot').classList.remove('on');
  $('conn-text').textContent = 'reconnecting…';
});
socket.on('connect_error', (err) => showError($('chat').hidden ? 'login-error' : 'chat-error', { code: 'connect', message: err.message }));

import assert from 'node:assert/strict';
import test from 'node:test';
import {
  BusyError,
  ClosedError,
  connect,
  FrameDroppedError,
  FrameTimeoutError,
  FrameTooLargeError,
  ServerError,
} from '../index.js';
import { fakeServer, hands, settle, welcome } from './fake-websocket.js';
import { JPEG, opened, track, URL } from './helpers.js';

test('the token travels as a bearer subprotocol beside palmreader; connect resolves at the welcome', async () => {
  const server = fakeServer();
  const connecting = track(connect(URL, { WebSocket: server.WebSocket, token: 'abc.def.ghi' }));
  const socket = server.sockets[0];
  assert.equal(socket.url, URL);
  assert.deepEqual(socket.protocols, ['palmreader', 'bearer.abc.def.ghi']);
  assert.equal(socket.binaryType, 'arraybuffer');
  socket.open();
  await settle();
  assert.equal(connecting.settled, false, 'not before the welcome');
  assert.deepEqual(socket.sent, [], 'nothing to say in a hello');
  socket.receive(welcome({ inflight: 3 }));
  await settle();
  const session = connecting.value;
  assert.equal(session.state, 'open');
  assert.equal(session.limits.inflight, 3);
  assert.equal(session.sessionId, 's1');
  assert.equal(session.resumeToken, 'resume-1');
  await session.close();
});

test('with tokenVia hello the token and the hello options go in the first message; no subprotocol is offered', async () => {
  const server = fakeServer();
  const connecting = connect(URL, {
    WebSocket: server.WebSocket,
    token: 'tok',
    tokenVia: 'hello',
    hello: { model: 'lite', maxHands: 1, assistant: false, attachFrame: true, unknown: 1 },
  });
  const socket = server.sockets[0];
  assert.equal(socket.protocols, undefined);
  socket.open();
  assert.deepEqual(socket.sent, [
    { type: 'hello', model: 'lite', maxHands: 1, assistant: false, attachFrame: true, token: 'tok' },
  ]);
  socket.receive(welcome());
  const session = await connecting;
  session.renewToken('fresh');
  session.configure({ model: 'full' });
  assert.deepEqual(socket.sent.slice(1), [{ type: 'hello', token: 'fresh' }, { type: 'hello', model: 'full' }]);
  await session.close();
});

test('no WebSocket class at all is a TypeError that says what to pass', () => {
  const saved = globalThis.WebSocket;
  globalThis.WebSocket = undefined;
  try {
    assert.throws(() => connect(URL), /WebSocket option/);
  } finally {
    globalThis.WebSocket = saved;
  }
});

test('a first connection that fails rejects with ClosedError carrying the close code and the error text', async () => {
  const server = fakeServer();
  const connecting = connect(URL, { WebSocket: server.WebSocket });
  server.sockets[0].drop(1006);
  await assert.rejects(connecting, (e) => e instanceof ClosedError && e.closeCode === 1006
    && e.reason === 'connection reset' && e.code === 'closed');
  assert.equal(server.sockets.length, 1, 'not retried unless asked');
});

test('each frame is encoded with a fresh seq and its capture time; its promise gets the hands of that seq', async () => {
  const { socket, session } = await opened({}, { inflight: 3 });
  const sent = [];
  session.on('sent', (s) => sent.push(s));
  const first = session.sendFrame(JPEG, { captureTime: 1_700_000_000_123 });
  const second = session.sendFrame(JPEG.buffer, { captureTime: 1_700_000_000_456 });
  const third = track(session.sendFrame(new Blob([JPEG])));
  await settle();
  const frames = socket.frames();
  assert.deepEqual(frames.map((f) => [f.version, f.flags, f.seq]), [[1, 0, 1], [1, 0, 2], [1, 0, 3]]);
  assert.deepEqual(frames.map((f) => f.captureTime).slice(0, 2), [1_700_000_000_123, 1_700_000_000_456]);
  assert.ok(Math.abs(frames[2].captureTime - Date.now()) < 60_000, 'now, by default');
  frames.forEach((f) => assert.deepEqual([...f.image], [...JPEG]));
  assert.deepEqual(sent.map((s) => [s.seq, s.bytes]), [[1, JPEG.length], [2, JPEG.length], [3, JPEG.length]]);
  // Answers in another order than sent still find their frames.
  socket.receive(hands(2, { captureTs: 456 }));
  socket.receive(hands(3));
  socket.receive(hands(1, { captureTs: 123 }));
  assert.equal((await second).captureTs, 456);
  assert.equal((await first).captureTs, 123);
  await settle();
  assert.equal(third.value.seq, 3);
  assert.equal(session.inflight, 0);
  await session.close();
});

test('dropped and error for a seq reject that frame only, with the reason and the code', async () => {
  const { socket, session } = await opened({}, { inflight: 3 });
  const superseded = session.sendFrame(JPEG);
  const invalid = session.sendFrame(JPEG);
  const answered = session.sendFrame(JPEG);
  socket.receive({ type: 'dropped', seq: 1, reason: 'superseded' });
  socket.receive({ type: 'error', code: 'invalid_frame', message: 'not a JPEG', fatal: false, seq: 2 });
  socket.receive(hands(3));
  await assert.rejects(superseded, (e) => e instanceof FrameDroppedError && e.reason === 'superseded' && e.seq === 1);
  await assert.rejects(invalid, (e) => e instanceof ServerError && e.code === 'invalid_frame' && e.seq === 2
    && e.message === 'not a JPEG');
  assert.equal((await answered).seq, 3);
  await session.close();
});

test('at most limits.inflight frames are unanswered: by default the next one waits for a free slot', async () => {
  const { socket, session } = await opened({}, { inflight: 2 });
  const results = [1, 2, 3, 4].map(() => track(session.sendFrame(JPEG)));
  await settle();
  assert.deepEqual(socket.frames().map((f) => f.seq), [1, 2], 'two in flight, two waiting');
  assert.equal(session.inflight, 2);
  socket.receive({ type: 'dropped', seq: 1, reason: 'worker_busy' });
  await settle();
  assert.deepEqual(socket.frames().map((f) => f.seq), [1, 2, 3], 'a drop frees the slot too');
  socket.receive(hands(2));
  socket.receive(hands(3));
  await settle();
  assert.deepEqual(socket.frames().map((f) => f.seq), [1, 2, 3, 4]);
  socket.receive(hands(4));
  await settle();
  assert.deepEqual(results.map((r) => r.value?.seq ?? r.error.reason), ['worker_busy', 2, 3, 4]);
  await session.close();
});

test("with whenBusy 'reject' a frame beyond the limit is refused at once with BusyError and never sent", async () => {
  const { socket, session } = await opened({}, { inflight: 1 });
  const first = session.sendFrame(JPEG, { whenBusy: 'reject' });
  await assert.rejects(session.sendFrame(JPEG, { whenBusy: 'reject' }),
    (e) => e instanceof BusyError && e.code === 'busy' && e.inflight === 1);
  assert.equal(socket.frames().length, 1);
  socket.receive(hands(1));
  await first;
  const second = session.sendFrame(JPEG, { whenBusy: 'reject' });
  assert.deepEqual(socket.frames().map((f) => f.seq), [1, 2], 'the refused one took no seq');
  socket.receive(hands(2));
  await second;
  await session.close();
});

test("whenBusy 'reject' given to connect is the session's default", async () => {
  const { session } = await opened({ whenBusy: 'reject' }, { inflight: 1 });
  const first = session.sendFrame(JPEG);
  await assert.rejects(session.sendFrame(JPEG), BusyError);
  assert.equal(session.inflight, 1);
  void first.catch(() => {});
  await session.close();
});

test('an image over maxFrameBytes is refused without sending; an unanswered frame times out and frees its slot', async () => {
  const { socket, session } = await opened({ frameTimeoutMs: 20 }, { maxFrameBytes: 4 });
  await assert.rejects(session.sendFrame(JPEG), (e) => e instanceof FrameTooLargeError && e.limit === 4);
  assert.equal(socket.frames().length, 0);
  await assert.rejects(session.sendFrame(JPEG.subarray(0, 4)), (e) => e instanceof FrameTimeoutError && e.seq === 1);
  assert.equal(session.inflight, 0);
  const next = session.sendFrame(JPEG.subarray(0, 2));
  socket.receive(hands(1)); // the late answer to the frame given up is not taken for another
  socket.receive(hands(2));
  assert.equal((await next).seq, 2);
  await session.close();
});

test('on() reaches every server message type, the message listeners see them all, and unsubscribe stops it', async () => {
  const { socket, session } = await opened();
  const types = ['welcome', 'hands', 'gesture', 'error', 'stats', 'dropped', 'pong', 'teaching', 'taught',
    'forgotten', 'custom_gestures', 'assistant', 'ai', 'ai_error'];
  const seen = [];
  const all = [];
  const unsubscribes = types.map((type) => session.on(type, (m) => seen.push(m.type)));
  const offAll = session.on('message', (m) => all.push(m.type));
  for (const type of types) socket.receive({ type });
  assert.deepEqual(seen, types);
  assert.deepEqual(all, types);
  unsubscribes.forEach((off) => off());
  offAll();
  for (const type of types) socket.receive({ type });
  assert.equal(seen.length, types.length);
  assert.equal(all.length, types.length);
  await session.close();
});

test('the same function subscribed twice runs twice until each is unsubscribed; a throwing listener stops no other',
  async () => {
    const { socket, session } = await opened();
    let calls = 0;
    const count = () => { calls += 1; };
    const offOne = session.on('stats', count);
    session.on('stats', count);
    const reported = [];
    globalThis.reportError = (e) => reported.push(e.message);
    try {
      session.on('stats', () => { throw new Error('listener failed'); });
      socket.receive({ type: 'stats' });
      assert.equal(calls, 2);
      offOne();
      socket.receive({ type: 'stats' });
      assert.equal(calls, 3);
      assert.deepEqual(reported, ['listener failed', 'listener failed'], 'reported, not swallowed');
    } finally {
      delete globalThis.reportError;
    }
    await session.close();
  });

test('listeners given to connect see the first welcome and the connection states; ping gets the pong', async () => {
  const server = fakeServer();
  const seen = [];
  const connecting = connect(URL, {
    WebSocket: server.WebSocket,
    on: {
      welcome: (m) => seen.push(`welcome ${m.sessionId}`),
      connection: [(c) => seen.push(c.state)],
    },
  });
  server.sockets[0].open();
  server.sockets[0].receive(welcome());
  const session = await connecting;
  const pong = session.ping();
  assert.deepEqual(server.sockets[0].texts('ping'), [{ type: 'ping' }]);
  server.sockets[0].receive({ type: 'pong', ts: 42 });
  assert.equal((await pong).ts, 42);
  await session.close();
  assert.deepEqual(seen, ['connecting', 'connected', 'welcome s1', 'closed']);
});

test('close() ends the session: waiting and unanswered frames fail with ClosedError, later calls too', async () => {
  const { socket, session } = await opened({}, { inflight: 1 });
  const unanswered = session.sendFrame(JPEG);
  const waiting = session.sendFrame(JPEG);
  await session.close();
  assert.deepEqual(socket.closedBy, { code: 1000, reason: '' });
  await assert.rejects(unanswered, ClosedError);
  await assert.rejects(waiting, ClosedError);
  await assert.rejects(session.sendFrame(JPEG), ClosedError);
  await assert.rejects(session.teach('Vee'), ClosedError);
  await assert.rejects(session.ping(), ClosedError);
  assert.equal(session.state, 'closed');
  assert.equal(socket.frames().length, 1);
});

test('an aborted signal closes the session, also before its welcome', async () => {
  const server = fakeServer();
  const abort = new AbortController();
  const connecting = connect(URL, { WebSocket: server.WebSocket, signal: abort.signal });
  server.sockets[0].open();
  abort.abort();
  await assert.rejects(connecting, ClosedError);
  await settle();
  assert.equal(server.sockets[0].readyState, 3);
});

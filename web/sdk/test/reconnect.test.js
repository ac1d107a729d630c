import assert from 'node:assert/strict';
import test from 'node:test';
import { ClosedError, connect, DisconnectedError, reconnectDelay, RECONNECT_DEFAULTS } from '../index.js';
import { fakeServer, hands, settle, welcome } from './fake-websocket.js';
import { JPEG, opened, track, URL } from './helpers.js';

const QUICK = { initialDelayMs: 1, maxDelayMs: 4 };

test('the delay doubles from 500 ms, is capped at 8 s and jittered within its upper half', () => {
  const ceilings = [500, 1000, 2000, 4000, 8000, 8000, 8000];
  ceilings.forEach((ceiling, attempt) => {
    assert.equal(reconnectDelay(attempt, RECONNECT_DEFAULTS, () => 0), ceiling / 2);
    assert.equal(reconnectDelay(attempt, RECONNECT_DEFAULTS, () => 1), ceiling);
    const d = reconnectDelay(attempt);
    assert.ok(d >= ceiling / 2 && d <= ceiling, `${d} within [${ceiling / 2}, ${ceiling}]`);
  });
  assert.equal(reconnectDelay(100, { initialDelayMs: 10, maxDelayMs: 30, factor: 3 }, () => 1), 30);
});

test('after an unexpected close the session reconnects, resumes with the last resumeToken and sends nothing twice',
  async () => {
    const states = [];
    const { server, socket, session } = await opened(
      { reconnect: QUICK, hello: { model: 'lite' }, on: { connection: (c) => states.push(c.state) } },
      { inflight: 2 },
    );
    assert.deepEqual(socket.texts('hello'), [{ type: 'hello', model: 'lite' }]);
    session.configure({ assistant: false });
    socket.receive(welcome({ inflight: 2 }, { resumeToken: 'resume-2' }));
    const answered = session.sendFrame(JPEG);
    socket.receive(hands(1));
    await answered;
    const lost = [session.sendFrame(JPEG), session.sendFrame(JPEG)];
    const waiting = track(session.sendFrame(JPEG)); // no slot: waits, never sent on this socket
    const question = session.ask('what do you see?');
    const teaching = session.teach('Vee');
    const nextSocket = server.nextSocket();
    socket.drop(1001, 'server restarting: reconnect with your resumeToken');

    for (const frame of lost) {
      await assert.rejects(frame, (e) => e instanceof DisconnectedError && e.closeCode === 1001 && e.reconnecting);
    }
    await assert.rejects(question.result, DisconnectedError);
    await assert.rejects(teaching, DisconnectedError);
    assert.equal(session.state, 'reconnecting');
    await assert.rejects(session.sendFrame(JPEG, { whenBusy: 'reject' }), DisconnectedError);

    const again = await nextSocket;
    assert.equal(again.url, URL);
    again.open();
    assert.deepEqual(again.texts(), [
      { type: 'hello', model: 'lite', assistant: false, resume: 'resume-2' },
    ], 'the options as they are now, and the resume token of the last welcome; no ask, teach or frame again');
    assert.equal(again.frames().length, 0, 'no frame before the welcome');
    again.receive(welcome({ inflight: 1 }, { sessionId: 's2', resumeToken: 'resume-3' }));
    again.receive(welcome({ inflight: 1 }, { sessionId: 's2', resumeToken: 'resume-3', resumed: true }));
    await settle();
    const firstSeqs = socket.frames().map((f) => f.seq);
    const laterSeqs = again.frames().map((f) => f.seq);
    assert.deepEqual(firstSeqs, [1, 2, 3]);
    assert.deepEqual(laterSeqs, [4], 'only the frame that had waited, with a seq of its own');
    again.receive(hands(4));
    await settle();
    assert.equal(waiting.value.seq, 4);
    assert.equal(session.resumeToken, 'resume-3');
    assert.equal(session.sessionId, 's2');
    assert.deepEqual(states, ['connecting', 'connected', 'reconnecting', 'connecting', 'connected']);
    await session.close();
  });

test('a refused resume (its error) is not taken for a question asked at once after the reconnect', async () => {
  const { server, socket, session } = await opened({ reconnect: QUICK });
  const nextSocket = server.nextSocket();
  socket.drop();
  const again = await nextSocket;
  again.open();
  assert.equal(again.texts('hello')[0].resume, 'resume-1');
  again.receive(welcome({}, { resumeToken: 'fresh' }));
  const answer = session.ask('hi');
  again.receive({ type: 'error', code: 'bad_message', message: 'resume token unknown or expired', fatal: false });
  again.receive({ type: 'ai', answerId: 'a1', delta: 'Hi', done: false, trigger: { type: 'question' } });
  again.receive({ type: 'ai', answerId: 'a1', delta: '', done: true, trigger: { type: 'question' } });
  assert.equal((await answer.result).text, 'Hi');
  await session.close();
});

test('a policy close (1008) is final: no reconnect, ClosedError for what waits', async () => {
  const closes = [];
  const { server, socket, session } = await opened({ reconnect: QUICK, on: { connection: (c) => closes.push(c) } });
  const frame = session.sendFrame(JPEG);
  socket.drop(1008, 'token_expired');
  await assert.rejects(frame, (e) => e instanceof ClosedError && e.closeCode === 1008 && e.reason === 'token_expired');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(server.sockets.length, 1);
  assert.equal(session.state, 'closed');
  assert.deepEqual(closes.at(-1), { state: 'closed', closeCode: 1008, reason: 'token_expired', byClient: false });
});

test('reconnect attempts follow the back-off until maxAttempts, then the session closes', async () => {
  const { server, socket, session } = await opened({ reconnect: { ...QUICK, maxAttempts: 3 } });
  const delays = [];
  session.on('connection', (c) => c.state === 'reconnecting' && delays.push([c.attempt, c.delayMs]));
  const closed = new Promise((resolve) => session.on('connection', (c) => c.state === 'closed' && resolve(c)));
  socket.drop();
  for (let i = 0; i < 3; i++) (await server.nextSocket()).drop();
  assert.equal((await closed).closeCode, 1006);
  assert.equal(server.sockets.length, 4, 'the first socket and three attempts');
  assert.deepEqual(delays.map(([attempt]) => attempt), [1, 2, 3]);
  delays.forEach(([attempt, delay]) => assert.ok(delay >= 0 && delay <= 4, `attempt ${attempt}: ${delay} ms`));
});

test('reconnect: false closes the session at the first unexpected close', async () => {
  const { server, socket, session } = await opened({ reconnect: false });
  socket.drop();
  await settle();
  assert.equal(session.state, 'closed');
  assert.equal(server.sockets.length, 1);
});

test('with retryFirstConnect a first connection that fails is tried again; close() during the wait stops it',
  async () => {
    const server = fakeServer();
    const connecting = connect(URL, { WebSocket: server.WebSocket, reconnect: { ...QUICK, retryFirstConnect: true } });
    const second = server.nextSocket();
    server.sockets[0].drop(1006);
    const socket = await second;
    socket.open();
    socket.receive(welcome());
    const session = await connecting;
    assert.equal(session.state, 'open');
    socket.drop();
    await session.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(server.sockets.length, 2, 'no attempt after close()');
  });

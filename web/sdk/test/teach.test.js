import assert from 'node:assert/strict';
import test from 'node:test';
import { ServerError } from '../index.js';
import { hands, settle } from './fake-websocket.js';
import { JPEG, opened, track } from './helpers.js';

test('teach sends name, frames and replace, reports progress, and resolves with taught while frames flow', async () => {
  const { socket, session } = await opened();
  const progress = [];
  const taught = track(session.teach('Vee', { frames: 5, replace: true, onProgress: (m) => progress.push(m.collected) }));
  assert.deepEqual(socket.texts('teach'), [{ type: 'teach', name: 'Vee', frames: 5, replace: true }]);
  socket.receive({ type: 'teaching', name: 'Vee', collected: 0, frames: 5 });
  for (let seq = 1; seq <= 5; seq++) {
    const frame = session.sendFrame(JPEG);
    socket.receive(hands(seq));
    await frame;
    socket.receive({ type: 'teaching', name: 'Vee', collected: seq, frames: 5 });
  }
  await settle();
  assert.equal(taught.settled, false);
  socket.receive({ type: 'taught', name: 'Vee', samples: 5, recordings: 1, team: false });
  await settle();
  assert.deepEqual(taught.value, { type: 'taught', name: 'Vee', samples: 5, recordings: 1, team: false });
  assert.deepEqual(progress, [0, 1, 2, 3, 4, 5]);
  await session.close();
});

test('a teach without options sends only the name; a taught name in another case is still its answer', async () => {
  const { socket, session } = await opened();
  const taught = session.teach(' vee ');
  assert.deepEqual(socket.texts('teach'), [{ type: 'teach', name: ' vee ' }]);
  socket.receive({ type: 'taught', name: 'Vee', samples: 15, recordings: 3, team: false });
  assert.equal((await taught).recordings, 3);
  await session.close();
});

test('teach_failed and bad_message naming the gesture reject its teach with a ServerError; others are untouched',
  async () => {
    const { socket, session } = await opened();
    const failed = session.teach('Mixed', { frames: 10 });
    const malformed = session.teach('<b>');
    const other = track(session.teach('Ok'));
    socket.receive({ type: 'error', code: 'teach_failed', message: 'the examples disagree', fatal: false,
      name: 'Mixed' });
    socket.receive({ type: 'error', code: 'bad_message', message: 'bad name', fatal: false, name: '<b>' });
    await assert.rejects(failed, (e) => e instanceof ServerError && e.code === 'teach_failed'
      && e.gesture === 'Mixed' && e.message === 'the examples disagree');
    await assert.rejects(malformed, (e) => e instanceof ServerError && e.code === 'bad_message');
    await settle();
    assert.equal(other.settled, false);
    await session.close();
    assert.equal(other.error.code, 'closed');
  });

test('forget resolves with forgotten; forgetting what was never taught rejects with bad_message', async () => {
  const { socket, session } = await opened();
  const forgotten = session.forget('Vee');
  const never = session.forget('Never');
  assert.deepEqual(socket.texts('forget'), [{ type: 'forget', name: 'Vee' }, { type: 'forget', name: 'Never' }]);
  socket.receive({ type: 'forgotten', name: 'Vee' });
  socket.receive({ type: 'error', code: 'bad_message', message: "no taught gesture is named 'Never'", fatal: false,
    name: 'Never' });
  assert.deepEqual(await forgotten, { type: 'forgotten', name: 'Vee' });
  await assert.rejects(never, (e) => e instanceof ServerError && e.code === 'bad_message' && e.gesture === 'Never');
  await assert.rejects(session.teach(42), TypeError);
  await session.close();
});

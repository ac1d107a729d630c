import assert from 'node:assert/strict';
import test from 'node:test';
import { AssistantError, ServerError } from '../index.js';
import { settle } from './fake-websocket.js';
import { opened } from './helpers.js';

const QUESTION = { type: 'question' };
const ai = (answerId, delta, extra = {}) => ({ type: 'ai', answerId, delta, done: false, trigger: QUESTION, ...extra });
const done = (answerId, extra = {}) => ({ type: 'ai', answerId, delta: '', done: true, trigger: QUESTION, ...extra });

async function collect(answer) {
  const deltas = [];
  for await (const d of answer) deltas.push(d);
  return deltas;
}

test('ask streams the deltas in order, thoughts marked, and ends at done with the whole answer', async () => {
  const { socket, session } = await opened();
  const answer = session.ask('What do you see?');
  assert.deepEqual(socket.texts('ask'), [{ type: 'ask', text: 'What do you see?' }]);
  const deltas = collect(answer);
  socket.receive(ai('a1', 'hmm', { thinking: true }));
  socket.receive(ai('a1', 'A '));
  await settle();
  socket.receive(ai('a1', 'hand.'));
  socket.receive(done('a1', { stats: { ttftMs: 5, tokens: 2, tokensPerSec: 40 } }));
  assert.deepEqual(await deltas, [
    { delta: 'hmm', thinking: true, answerId: 'a1' },
    { delta: 'A ', thinking: false, answerId: 'a1' },
    { delta: 'hand.', thinking: false, answerId: 'a1' },
  ]);
  const result = await answer.result;
  assert.equal(result.text, 'A hand.');
  assert.equal(result.thinking, 'hmm');
  assert.equal(result.stopped, false);
  assert.equal(result.stats.tokens, 2);
  assert.equal(answer.answerId, 'a1');
  await session.close();
});

test('stop() sends stop; the answer ends with stopped and the iteration ends without an error', async () => {
  const { socket, session } = await opened();
  const answer = session.ask('Tell me a story');
  const deltas = collect(answer);
  socket.receive(ai('a1', 'Once'));
  session.stop();
  assert.deepEqual(socket.texts('stop'), [{ type: 'stop' }]);
  socket.receive(done('a1', { stopped: true }));
  assert.deepEqual((await deltas).map((d) => d.delta), ['Once']);
  assert.equal((await answer.result).stopped, true);
  await session.close();
});

test('ai_error makes the iterator throw an AssistantError with the code and the partial text', async () => {
  const { socket, session } = await opened();
  const answer = session.ask('Why?');
  const seen = [];
  const failed = (async () => {
    for await (const d of answer) seen.push(d.delta);
  })();
  socket.receive(ai('a1', 'Because'));
  socket.receive({ type: 'ai_error', answerId: 'a1', code: 'assistant_error', message: 'the answer failed',
    partial: 'Because' });
  await assert.rejects(failed, (e) => e instanceof AssistantError && e.code === 'assistant_error'
    && e.partial === 'Because' && e.answerId === 'a1');
  assert.deepEqual(seen, ['Because']);
  await assert.rejects(answer.result, AssistantError);
  await session.close();
});

test('an answer that fails before its first delta, and a refused question, fail the question waiting for them',
  async () => {
    const { socket, session } = await opened();
    const unavailable = session.ask('one');
    const limited = session.ask('two');
    socket.receive({ type: 'ai_error', answerId: 'a9', code: 'assistant_unavailable', message: 'later',
      partial: '' });
    socket.receive({ type: 'error', code: 'rate_limited', message: 'too many questions', fatal: false,
      retryAfterMs: 3000 });
    await assert.rejects(collect(unavailable), (e) => e instanceof AssistantError && e.code === 'assistant_unavailable');
    await assert.rejects(limited.result, (e) => e instanceof ServerError && e.retryAfterMs === 3000);
    await session.close();
  });

test("answers to gestures are not a question's: the question takes the next answer to a question", async () => {
  const { socket, session } = await opened();
  const gestureAnswers = [];
  session.on('ai', (m) => m.trigger.type === 'gesture' && gestureAnswers.push(m.delta));
  const answer = session.ask('And now?');
  const gesture = { type: 'gesture', name: 'Thumb_Up', hand: 'Right' };
  socket.receive(ai('g1', 'Nice thumb', { trigger: gesture }));
  socket.receive({ type: 'ai_error', answerId: 'g1', code: 'assistant_error', message: 'failed', partial: '' });
  socket.receive(ai('q1', 'Now'));
  socket.receive(done('q1'));
  assert.deepEqual((await collect(answer)).map((d) => d.delta), ['Now']);
  assert.deepEqual(gestureAnswers, ['Nice thumb']);
  await session.close();
});

test('a second question takes the second answer; the first ends stopped, as the server stops it', async () => {
  const { socket, session } = await opened();
  const first = session.ask('first');
  socket.receive(ai('a1', 'One'));
  const second = session.ask('second');
  socket.receive(done('a1', { stopped: true }));
  socket.receive(ai('a2', 'Two'));
  socket.receive(done('a2'));
  assert.equal((await first.result).stopped, true);
  assert.equal((await second.result).text, 'Two');
  await session.close();
});

test('leaving the loop early stops the answer that runs', async () => {
  const { socket, session } = await opened();
  const answer = session.ask('long');
  socket.receive(ai('a1', 'First'));
  socket.receive(ai('a1', 'Second'));
  for await (const d of answer) {
    assert.equal(d.delta, 'First');
    break;
  }
  assert.deepEqual(socket.texts('stop'), [{ type: 'stop' }]);
  socket.receive(done('a1', { stopped: true }));
  assert.equal((await answer.result).text, 'FirstSecond');
  await session.close();
});

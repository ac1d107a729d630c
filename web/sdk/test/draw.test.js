import assert from 'node:assert/strict';
import test from 'node:test';
import { drawHands, HAND_CONNECTIONS } from '../index.js';

/** A 2D context that records the calls that matter here. */
function recordingContext(width, height) {
  const calls = [];
  const ctx = {
    canvas: { width, height },
    calls,
    save: () => calls.push(['save']),
    restore: () => calls.push(['restore']),
    beginPath() {},
    moveTo: (x, y) => calls.push(['moveTo', x, y]),
    lineTo: (x, y) => calls.push(['lineTo', x, y]),
    stroke: () => calls.push(['stroke', ctx.strokeStyle]),
    arc: (x, y) => calls.push(['arc', x, y]),
    fill() {},
    fillRect() {},
    measureText: (text) => ({ width: text.length * 8 }),
    fillText: (text, x, y) => calls.push(['fillText', text, x, y, ctx.fillStyle]),
  };
  return ctx;
}

const hand = (x, extra = {}) => ({
  gesture: 'Victory',
  score: 0.914,
  handedness: 'Right',
  presence: 1,
  landmarks: Array.from({ length: 21 }, (_, i) => [x, i / 40, 0]),
  ...extra,
});

test('each hand gets its 21 bones, 21 points and a label with gesture and score', () => {
  const ctx = recordingContext(400, 200);
  drawHands(ctx, { type: 'hands', hands: [hand(0.25), hand(0.5, { handedness: 'Left', taught: true })] });
  assert.equal(HAND_CONNECTIONS.length, 21);
  assert.equal(ctx.calls.filter(([c]) => c === 'lineTo').length, 42);
  assert.equal(ctx.calls.filter(([c]) => c === 'arc').length, 42);
  assert.deepEqual(ctx.calls.filter(([c]) => c === 'stroke').map(([, color]) => color), ['#ffb74d', '#4fc3f7']);
  const labels = ctx.calls.filter(([c]) => c === 'fillText');
  assert.deepEqual(labels.map(([, text]) => text), ['Victory 91%', 'Victory 91%']);
  assert.deepEqual(labels.map(([, , , , color]) => color), ['#fff', '#a5d6a7'], 'a taught gesture stands out');
  assert.equal(ctx.calls[0][0], 'save');
  assert.equal(ctx.calls.at(-1)[0], 'restore');
});

test('mirror flips the skeleton and puts the label beside the mirrored wrist; labels can be changed or left out', () => {
  const plain = recordingContext(400, 200);
  drawHands(plain, [hand(0.25)]);
  const mirrored = recordingContext(400, 200);
  drawHands(mirrored, [hand(0.25)], { mirror: true, label: (h) => h.handedness });
  assert.deepEqual(plain.calls.find(([c]) => c === 'arc'), ['arc', 100, 0]);
  assert.deepEqual(mirrored.calls.find(([c]) => c === 'arc'), ['arc', 300, 0]);
  assert.deepEqual(mirrored.calls.find(([c]) => c === 'fillText').slice(1, 3), ['Right', 308]);
  const unlabelled = recordingContext(400, 200);
  drawHands(unlabelled, [hand(0.25)], { label: false });
  assert.equal(unlabelled.calls.filter(([c]) => c === 'fillText').length, 0);
  drawHands(unlabelled, null);
});

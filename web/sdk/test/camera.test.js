import assert from 'node:assert/strict';
import test from 'node:test';
import { FrameTooLargeError } from '../index.js';
import { hands } from './fake-websocket.js';
import { opened } from './helpers.js';

/** A canvas that records what it was asked to encode; its JPEG is a few bytes naming the size. */
function fakeCanvas() {
  const canvas = {
    width: 0,
    height: 0,
    encoded: [],
    getContext: () => ({ drawImage: (video, x, y, w, h) => canvas.encoded.push({ w, h }) }),
    toBlob(callback, type, quality) {
      canvas.encoded.at(-1).type = type;
      canvas.encoded.at(-1).quality = quality;
      setImmediate(() => callback(new Blob([new Uint8Array(canvas.width % 250)])));
    },
  };
  return canvas;
}

const video = { videoWidth: 1280, videoHeight: 720, readyState: 4 };

/** Waits for `condition`, generously: these machines can be slow. */
async function until(condition) {
  const deadline = Date.now() + 20_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
  assert.ok(condition(), 'in time');
}

test('the camera sends a frame whenever a slot is free, at the width and quality asked for, until stopped', async () => {
  const { socket, session } = await opened({}, { inflight: 1, maxFps: 1000 });
  const canvas = fakeCanvas();
  let width = 640;
  session.startCamera(video, { canvas, width: () => width, quality: 0.5, fps: 1000 });
  await until(() => socket.frames().length === 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(socket.frames().length, 1, 'one unanswered at most');
  assert.deepEqual(canvas.encoded[0], { w: 640, h: 360, type: 'image/jpeg', quality: 0.5 });
  width = 4000;
  socket.receive(hands(1));
  await until(() => socket.frames().length === 2);
  assert.deepEqual(canvas.encoded[1], { w: 1280, h: 720, type: 'image/jpeg', quality: 0.5 }, 'never wider than the video');
  session.stopCamera();
  socket.receive(hands(2));
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(socket.frames().length, 2);
  await session.close();
});

test("the camera keeps to the server's maxFps and reports frames it could not send", async () => {
  const { socket, session } = await opened({}, { inflight: 4, maxFps: 20, maxFrameBytes: 100 });
  const errors = [];
  const canvas = fakeCanvas();
  session.startCamera(video, { canvas, width: 200, onError: (e) => errors.push(e) });
  await until(() => errors.length >= 2);
  assert.ok(errors.every((e) => e instanceof FrameTooLargeError), 'a 200-byte JPEG over a 100-byte limit');
  session.stopCamera();
  const captures = canvas.encoded.length;
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.equal(canvas.encoded.length, captures, 'stopped');
  assert.equal(socket.frames().length, 0);
  await session.close();
});

test('frames sent by the camera go at most maxFps a second', async () => {
  const { socket, session } = await opened({}, { inflight: 4, maxFps: 25 });
  const canvas = fakeCanvas();
  session.startCamera(video, { canvas, width: 100 });
  await until(() => socket.frames().length >= 3);
  session.stopCamera();
  const times = socket.frames().map((f) => f.captureTime);
  for (let i = 1; i < times.length; i++) {
    assert.ok(times[i] - times[i - 1] >= 40, `${times[i] - times[i - 1]} ms apart, 40 at 25 fps`);
  }
  await session.close();
});

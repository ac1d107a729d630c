import assert from 'node:assert/strict';
import test from 'node:test';
import { decodeFrame, encodeFrame, FRAME_HEADER_BYTES, FRAME_VERSION } from '../index.js';
import { readFrame } from './fake-websocket.js';

test('a frame is version 1, flags 0, a big-endian uint32 seq and int64 capture time, then the image', () => {
  const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xd9);
  const message = encodeFrame(0x01020304, 0x0102030405, jpeg);
  assert.equal(FRAME_HEADER_BYTES, 14);
  assert.deepEqual(
    [...message],
    [1, 0, 1, 2, 3, 4, 0, 0, 0, 1, 2, 3, 4, 5, 0xff, 0xd8, 0xff, 0xd9],
  );
  assert.equal(message[0], FRAME_VERSION);
});

test('the largest seq and a capture time past 2^32 ms survive the round trip; views and buffers are taken as given', () => {
  const captureTime = Date.UTC(2030, 0, 1);
  const buffer = new Uint8Array([9, 8, 7, 6, 5]).buffer;
  for (const image of [buffer, new Uint8Array(buffer, 1, 3), new DataView(buffer, 2), Buffer.from([7, 6, 5])]) {
    const frame = readFrame(encodeFrame(0xffffffff, captureTime, image));
    assert.equal(frame.seq, 0xffffffff);
    assert.equal(frame.captureTime, captureTime);
    assert.deepEqual([...frame.image], [...new Uint8Array(image.buffer ?? image, image.byteOffset ?? 0, image.byteLength)]);
  }
  const decoded = decodeFrame(encodeFrame(7, captureTime, buffer));
  assert.deepEqual({ ...decoded, image: [...decoded.image] }, {
    version: 1, flags: 0, seq: 7, captureTime, image: [9, 8, 7, 6, 5],
  });
});

test('a seq or capture time the header cannot carry, or an image of another kind, is refused', () => {
  assert.throws(() => encodeFrame(-1, 0, new Uint8Array(1)), RangeError);
  assert.throws(() => encodeFrame(2 ** 32, 0, new Uint8Array(1)), RangeError);
  assert.throws(() => encodeFrame(1, 1.5, new Uint8Array(1)), RangeError);
  assert.throws(() => encodeFrame(1, 0, 'jpeg'), TypeError);
  assert.throws(() => decodeFrame(new Uint8Array(13)), RangeError);
});

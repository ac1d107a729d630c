// A client outside the project: only palmreader-client (installed from its packed tarball) and ws. PackedSdkTest runs
// it against a node: node client.mjs WS_URL TOKEN PHOTO SENT_JSON. It prints one JSON line with what it got, and writes
// every message the SDK sent to SENT_JSON (text messages as objects, binary frames as {"binary": true, "bytes": N, "base64": the header and one byte}).
import { readFileSync, writeFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { connect } from 'palmreader-client';

const [url, token, photoPath, sentPath] = process.argv.slice(2);
const GESTURE = 'SdkVee';
/** The answers of a fresh node on a slow machine can take long; the node's own limits are lifted in the test. */
const FRAME_TIMEOUT_MS = 120_000;

const sent = [];
/** The ws class with every message it sends recorded. */
class RecordingWebSocket extends WebSocket {
  send(data, ...rest) {
    if (typeof data === 'string') {
      sent.push(JSON.parse(data));
    } else {
      // The header and the image's first byte: enough to hold the frame to the document's layout.
      const bytes = data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      sent.push({ binary: true, bytes: data.byteLength, base64: bytes.subarray(0, 15).toString('base64') });
    }
    return super.send(data, ...rest);
  }
}

const photo = readFileSync(photoPath);
const report = {};
const session = await connect(url, { WebSocket: RecordingWebSocket, token, frameTimeoutMs: FRAME_TIMEOUT_MS });
try {
  report.welcome = { sessionId: session.sessionId, inflight: session.limits.inflight };

  const hands = await session.sendFrame(photo, { captureTime: Date.now() });
  report.hands = {
    seq: hands.seq,
    count: hands.hands.length,
    gesture: hands.hands[0]?.gesture ?? null,
    landmarks: hands.hands[0]?.landmarks.length ?? 0,
  };

  const deltas = [];
  const answer = session.ask('What do you see?');
  for await (const { delta, thinking } of answer) {
    if (!thinking) deltas.push(delta);
  }
  const ended = await answer.result;
  report.answer = { deltas: deltas.length, text: deltas.join(''), stopped: ended.stopped, done: true };

  // The examples are the next answered frames with one hand: frames keep going until the gesture is taught.
  const progress = [];
  const teaching = session.teach(GESTURE, { frames: 5, onProgress: (m) => progress.push(m.collected) });
  let settled = false;
  teaching.then(() => { settled = true; }, () => { settled = true; });
  let framesWhileTeaching = 0;
  while (!settled && framesWhileTeaching < 60) {
    await session.sendFrame(photo);
    framesWhileTeaching += 1;
  }
  const taught = await teaching;
  report.taught = { ...taught, progress, framesWhileTeaching };

  const after = await session.sendFrame(photo);
  report.afterTeaching = { gesture: after.hands[0]?.gesture ?? null, taught: after.hands[0]?.taught === true };

  report.forgotten = await session.forget(GESTURE);
} catch (error) {
  report.error = { name: error.name, code: error.code, message: error.message };
  process.exitCode = 1;
} finally {
  await session.close();
  writeFileSync(sentPath, `${JSON.stringify(sent, null, 1)}\n`);
}
console.log(JSON.stringify(report));

// A Node.js server that speaks Palmreader's wire protocol (docs/protocol.md) and answers every frame at once with
// no hands: the transport half of a comparison with the Java gateway in echo mode, both driven by
// `palmreader loadgen`. It does what the protocol asks of the framing (welcome, header parsing, errors, ping) and
// nothing of the rest (no rate limit, no flow control, no stats), so it is a floor, not a rival implementation.
//
//   npm install && node relay.mjs [PORT]      (or PORT=8090 node relay.mjs; default 8090)

import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';

const HEADER_BYTES = 14;
const VERSION = 1;
// The Java gateway's defaults, so a client paces itself the same way against either server.
const LIMITS = {
  inflight: 1,
  maxFrameBytes: 1 << 20,
  maxFps: 60,
  idleTimeoutMs: 30_000,
  maxHands: 2,
  model: 'full',
  headerBytes: HEADER_BYTES,
};

const port = Number(process.argv[2] ?? process.env.PORT ?? 8090);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`ws-relay: the port must be a whole number from 0 to 65535, was '${process.argv[2] ?? process.env.PORT}'`);
  process.exit(2);
}

const server = new WebSocketServer({
  port,
  path: '/ws',
  // The Java gateway does not compress either; deflating JPEGs would only cost time.
  perMessageDeflate: false,
  // As the Java gateway: messages over four times the frame limit close the connection (1009) before buffering.
  maxPayload: 4 * LIMITS.maxFrameBytes + HEADER_BYTES,
});

server.on('listening', () => {
  console.error(`ws-relay: listening on ws://0.0.0.0:${server.address().port}/ws`);
});

server.on('connection', (socket) => {
  const send = (message) => socket.send(JSON.stringify(message));
  const error = (code, message, seq) =>
    send(seq === undefined ? { type: 'error', code, message, fatal: false } : { type: 'error', code, message, fatal: false, seq });
  const welcome = () => send({ type: 'welcome', sessionId: randomUUID(), limits: LIMITS, capabilities: {} });

  welcome();
  socket.on('message', (data, isBinary) => {
    const arrived = process.hrtime.bigint();
    if (isBinary) {
      onFrame(data, arrived);
    } else {
      onText(data.toString('utf8'));
    }
  });
  socket.on('error', (e) => console.error(`ws-relay: socket error: ${e.message}`));

  function onFrame(frame, arrived) {
    if (frame.length < HEADER_BYTES + 1) {
      error('invalid_frame', `a frame is a ${HEADER_BYTES}-byte header followed by an image; got ${frame.length} bytes`);
      return;
    }
    if (frame[0] !== VERSION) {
      error('invalid_frame', `frame header version ${frame[0]} is not supported (expected ${VERSION})`);
      return;
    }
    if (frame[1] !== 0) {
      error('invalid_frame', `frame header flags must be 0, were ${frame[1]}`);
      return;
    }
    const seq = frame.readUInt32BE(2);
    const captureTs = Number(frame.readBigInt64BE(6));
    const imageBytes = frame.length - HEADER_BYTES;
    if (imageBytes > LIMITS.maxFrameBytes) {
      error('frame_too_large', `frame of ${imageBytes} bytes is over the limit of ${LIMITS.maxFrameBytes}`, seq);
      return;
    }
    const serverMs = Number(process.hrtime.bigint() - arrived) / 1e6;
    send({
      type: 'hands', seq, captureTs, width: 0, height: 0, hands: [],
      timing: { queueMs: 0, inferMs: 0, serverMs: Math.round(serverMs * 100) / 100 },
      worker: 'node-relay',
    });
  }

  function onText(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      error('bad_message', 'text messages must be JSON objects');
      return;
    }
    const type = message !== null && typeof message === 'object' ? message.type : undefined;
    if (typeof type !== 'string') {
      error('bad_message', "a text message needs a string 'type'");
    } else if (type === 'ping') {
      send({ type: 'pong', ts: Date.now() });
    } else if (type === 'hello') {
      // No options to apply here; a new welcome tells the client its session goes on.
      welcome();
    } else {
      error('bad_message', `unknown message type '${type}'`);
    }
  }
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const client of server.clients) {
      client.close(1001, 'server shutting down');
    }
    server.close(() => process.exit(0));
  });
}

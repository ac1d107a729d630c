// An in-memory WebSocket class for the tests: no network. Each instance records what the client sent; the test plays
// the server (open, receive, drop) on it.

/** A fresh fake server: its WebSocket class, the sockets made with it, and a way to wait for the next one. */
export function fakeServer() {
  const sockets = [];
  let waiters = [];

  class FakeWebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      this.readyState = FakeWebSocket.CONNECTING;
      this.binaryType = 'blob';
      /** What the client sent, in order: parsed JSON for text, Uint8Array copies for binary. */
      this.sent = [];
      this.closedBy = null;
      sockets.push(this);
      const ready = waiters;
      waiters = [];
      ready.forEach((resolve) => resolve(this));
    }

    send(data) {
      if (this.readyState === FakeWebSocket.CONNECTING) throw new Error('InvalidStateError: still connecting');
      if (this.readyState !== FakeWebSocket.OPEN) return;
      if (typeof data === 'string') {
        this.sent.push(JSON.parse(data));
      } else {
        const view = ArrayBuffer.isView(data) ? data : new Uint8Array(data);
        this.sent.push(new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice());
      }
    }

    close(code = 1000, reason = '') {
      if (this.readyState >= FakeWebSocket.CLOSING) return;
      this.readyState = FakeWebSocket.CLOSING;
      this.closedBy = { code, reason };
      queueMicrotask(() => {
        this.readyState = FakeWebSocket.CLOSED;
        this.onclose?.({ code, reason, wasClean: true });
      });
    }

    // ---- the server's side

    /** The upgrade succeeds. */
    open() {
      this.readyState = FakeWebSocket.OPEN;
      this.onopen?.({});
    }

    /** The server sends a text message. */
    receive(message) {
      this.onmessage?.({ data: JSON.stringify(message) });
    }

    /** The connection ends from the server's side (or the network's: 1006). */
    drop(code = 1006, reason = '') {
      if (this.readyState === FakeWebSocket.CLOSED) return;
      if (code === 1006) this.onerror?.({ message: 'connection reset' });
      this.readyState = FakeWebSocket.CLOSED;
      this.onclose?.({ code, reason, wasClean: false });
    }

    /** The text messages sent, optionally only those of `type`. */
    texts(type) {
      return this.sent.filter((m) => !(m instanceof Uint8Array) && (type === undefined || m.type === type));
    }

    /** The binary messages sent, decoded by hand from the protocol's layout. */
    frames() {
      return this.sent.filter((m) => m instanceof Uint8Array).map(readFrame);
    }
  }

  return {
    WebSocket: FakeWebSocket,
    sockets,
    /** The socket made next (or the one just made, if not yet taken with this). */
    nextSocket() {
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

/** docs/protocol.md's layout read independently of the SDK's decoder. */
export function readFrame(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    length: bytes.byteLength,
    version: bytes[0],
    flags: bytes[1],
    seq: view.getUint32(2, false),
    captureTime: Number(view.getBigInt64(6, false)),
    image: bytes.slice(14),
  };
}

/** A welcome as the server sends it, with `limits` over the defaults. */
export function welcome(limits = {}, extra = {}) {
  return {
    type: 'welcome',
    sessionId: 's1',
    resumeToken: 'resume-1',
    limits: {
      inflight: 1,
      maxFrameBytes: 1 << 20,
      maxFps: 60,
      idleTimeoutMs: 30000,
      maxHands: 2,
      model: 'full',
      headerBytes: 14,
      maxTextBytes: 16384,
      ...limits,
    },
    capabilities: { models: ['lite', 'full'], gestures: ['Thumb_Up'], assistant: true },
    customGestures: [],
    taughtGestures: [],
    ...extra,
  };
}

/** A hands answer for `seq`. */
export function hands(seq, extra = {}) {
  return {
    type: 'hands',
    seq,
    captureTs: 0,
    width: 640,
    height: 480,
    hands: [],
    timing: { queueMs: 0, inferMs: 1, serverMs: 2 },
    ...extra,
  };
}

/** Lets pending promise callbacks run. */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

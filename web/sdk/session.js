// A session with a Palmreader node over one WebSocket at a time: frames matched to their answers by seq, at most
// `limits.inflight` unanswered, questions streamed, gestures taught, and reconnects that resume the session.
import { Answer } from './answer.js';
import { RECONNECT_DEFAULTS, reconnectDelay } from './backoff.js';
import { startCameraLoop } from './camera.js';
import {
  AssistantError,
  BusyError,
  ClosedError,
  DisconnectedError,
  FrameDroppedError,
  FrameTimeoutError,
  FrameTooLargeError,
  ServerError,
} from './errors.js';
import { MAX_SEQ, bytesOf, encodeFrame } from './frame.js';

/** The subprotocol offered beside a `bearer.TOKEN` entry; the server selects it. */
export const SUBPROTOCOL = 'palmreader';
/** How long a frame waits for its answer before it is given up, ms (the server may skip answers to a slow client). */
export const DEFAULT_FRAME_TIMEOUT_MS = 10_000;

const OPEN = 1; // WebSocket.OPEN, the same in browsers and in the ws package
const POLICY_CLOSE = 1008; // no token, a refused one, or an expired one: trying again would be refused the same way
const NORMAL_CLOSE = 1000;
/** The inflight limit before the first welcome says otherwise. */
const FIRST_LIMITS = Object.freeze({ inflight: 1 });
/** Server errors that an `ask` waiting for its answer's first message takes as its own: a refused question. */
const ASK_REFUSALS = new Set(['bad_message', 'rate_limited']);
/** The hello fields a session keeps for reconnects. */
const HELLO_FIELDS = ['model', 'maxHands', 'assistant', 'attachFrame', 'quality'];

const sameName = (name) => String(name ?? '').trim().toLowerCase();

/** Opens a session; resolves with it once the server's `welcome` came. */
export function connect(url, options = {}) {
  return new Session(url, options).open();
}

class Session {
  #url;
  #WebSocket;
  #token;
  #tokenVia;
  #hello;
  #resume;
  #reconnect;
  #frameTimeoutMs;
  #whenBusy;
  #listeners = new Map();

  #socket = null;
  /** connecting (before the first welcome), open, reconnecting (no socket, or one without its welcome) or closed. */
  #state = 'connecting';
  #everWelcomed = false;
  #attempt = 0;
  #reconnectTimer = null;
  #lastError = '';
  #opened = null; // { resolve, reject } of open()'s promise until the first welcome
  /** Resolves when the current socket has closed. */
  #socketClosed = Promise.resolve();
  /** The error of the session's end, once closed. */
  #closed = null;
  /** The last close, which requests made while reconnecting are told of. */
  #lastClose = { closeCode: 0, reason: '' };
  /** After a reconnect that asked to resume: an error without seq or name until the resumed welcome is its refusal. */
  #resumeAsked = false;

  #welcome = null;
  #limits = FIRST_LIMITS;
  #seq = 0;
  /** seq → { resolve, reject, timer }: frames sent and not answered yet. */
  #inflight = new Map();
  /** Frames waiting for a free slot: { bytes, captureTime, resolve, reject }. */
  #waiting = [];
  /** Those waiting for a slot without a frame yet (the camera): { resolve, reject }. */
  #freeWaiters = [];
  /** Questions sent whose answer has not started. */
  #asks = [];
  /** answerId → Answer: questions' answers that run. */
  #answers = new Map();
  /** The ids of answers to gestures, whose errors are not a question's. */
  #otherAnswers = new Set();
  /** teach and forget requests waiting for their answer: { kind, key, resolve, reject, onProgress }. */
  #gestureRequests = [];
  #pings = [];
  #stopCamera = null;

  constructor(url, options) {
    this.#url = url;
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (typeof this.#WebSocket !== 'function') {
      throw new TypeError('no WebSocket class: pass one as the WebSocket option (in Node: the ws package\'s)');
    }
    this.#token = options.token ?? null;
    this.#tokenVia = options.tokenVia ?? 'protocol';
    if (this.#tokenVia !== 'protocol' && this.#tokenVia !== 'hello') {
      throw new TypeError(`tokenVia must be 'protocol' or 'hello', was ${this.#tokenVia}`);
    }
    this.#hello = pick(options.hello ?? {}, HELLO_FIELDS);
    this.#resume = options.hello?.resume ?? null;
    this.#reconnect = options.reconnect === false
      ? { ...RECONNECT_DEFAULTS, maxAttempts: 0 }
      : { ...RECONNECT_DEFAULTS, ...(options.reconnect === true ? {} : options.reconnect) };
    this.#frameTimeoutMs = options.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS;
    this.#whenBusy = options.whenBusy ?? 'wait';
    for (const [type, listeners] of Object.entries(options.on ?? {})) {
      for (const listener of [listeners].flat()) this.on(type, listener);
    }
    if (options.signal) {
      if (options.signal.aborted) queueMicrotask(() => this.close());
      else options.signal.addEventListener('abort', () => this.close(), { once: true });
    }
  }

  open() {
    const opened = new Promise((resolve, reject) => {
      this.#opened = { resolve, reject };
    });
    this.#openSocket();
    return opened;
  }

  // ---- what the caller sees

  /** The latest welcome. */
  get welcome() {
    return this.#welcome;
  }

  /** The limits of the latest welcome. */
  get limits() {
    return this.#limits;
  }

  get sessionId() {
    return this.#welcome?.sessionId ?? null;
  }

  get resumeToken() {
    return this.#resume;
  }

  /** connecting, open, reconnecting or closed. */
  get state() {
    return this.#state;
  }

  /** Frames sent and not answered yet. */
  get inflight() {
    return this.#inflight.size;
  }

  on(type, listener) {
    if (typeof listener !== 'function') throw new TypeError(`the listener for '${type}' is not a function`);
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    // A wrapper of its own, so that the same function added twice is removed once per unsubscribe.
    const entry = (m) => listener(m);
    set.add(entry);
    return () => set.delete(entry);
  }

  sendFrame(image, options = {}) {
    if (!isBinary(image) && typeof image?.arrayBuffer === 'function') {
      return image.arrayBuffer().then((buffer) => this.sendFrame(buffer, options));
    }
    return new Promise((resolve, reject) => {
      const frame = { bytes: bytesOf(image), captureTime: options.captureTime ?? Date.now(), resolve, reject };
      if (this.#state === 'closed') {
        reject(this.#closed);
      } else if (this.#canSend() && this.#waiting.length === 0) {
        this.#transmit(frame);
      } else if ((options.whenBusy ?? this.#whenBusy) === 'reject') {
        reject(this.#state === 'open' ? new BusyError(this.#limits.inflight) : this.#unavailable());
      } else {
        this.#waiting.push(frame);
      }
    });
  }

  startCamera(video, options = {}) {
    this.stopCamera();
    this.#stopCamera = startCameraLoop({
      whenFree: () => this.#whenFree(),
      send: (bytes, captureTime) => this.sendFrame(bytes, { captureTime, whenBusy: 'reject' }),
      maxFps: () => this.#limits.maxFps,
    }, video, options);
  }

  stopCamera() {
    this.#stopCamera?.();
    this.#stopCamera = null;
  }

  ask(text) {
    const answer = new Answer(text, (abandoned) => this.#abandon(abandoned));
    if (this.#state !== 'open') {
      answer.fail(this.#unavailable());
      return answer;
    }
    this.#asks.push(answer);
    this.#sendText({ type: 'ask', text });
    return answer;
  }

  stop() {
    if (this.#state === 'open') this.#sendText({ type: 'stop' });
  }

  teach(name, options = {}) {
    const message = { type: 'teach', name };
    if (options.frames !== undefined) message.frames = options.frames;
    if (options.replace !== undefined) message.replace = options.replace;
    return this.#gestureRequest('teach', name, message, options.onProgress);
  }

  forget(name) {
    return this.#gestureRequest('forget', name, { type: 'forget', name });
  }

  ping() {
    return new Promise((resolve, reject) => {
      if (this.#state !== 'open') {
        reject(this.#unavailable());
        return;
      }
      this.#pings.push({ resolve, reject });
      this.#sendText({ type: 'ping' });
    });
  }

  configure(options) {
    const fields = pick(options, HELLO_FIELDS);
    Object.assign(this.#hello, fields);
    if (this.#state === 'open') this.#sendText({ type: 'hello', ...fields });
  }

  renewToken(token) {
    this.#token = token;
    if (this.#state === 'open') this.#sendText({ type: 'hello', token });
  }

  close(code = NORMAL_CLOSE, reason = '') {
    if (this.#state !== 'closed') {
      this.#finish(new ClosedError(code, reason || 'closed by the client'), code, reason, true);
      const socket = this.#socket;
      if (socket && socket.readyState <= OPEN) {
        try {
          socket.close(code, reason);
        } catch {
          socket.close(); // a code the socket refuses (a browser takes only 1000 and 3000–4999): close plainly
        }
      }
    }
    return this.#socketClosed;
  }

  // ---- the connection

  #openSocket() {
    this.#reconnectTimer = null;
    const protocols = this.#token && this.#tokenVia === 'protocol' ? [SUBPROTOCOL, `bearer.${this.#token}`] : null;
    let socket;
    try {
      socket = protocols ? new this.#WebSocket(this.#url, protocols) : new this.#WebSocket(this.#url);
    } catch (error) {
      // A malformed URL or protocol: no attempt can do better.
      this.#finish(new ClosedError(0, error.message), 0, error.message, false);
      return;
    }
    this.#socket = socket;
    this.#lastError = '';
    let closed;
    this.#socketClosed = new Promise((resolve) => {
      closed = resolve;
    });
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => socket === this.#socket && this.#onOpen();
    socket.onmessage = (event) => {
      if (socket === this.#socket && typeof event.data === 'string') this.#onText(event.data);
    };
    socket.onerror = (event) => {
      // The close that follows says what happened; the error's text (where there is one) is kept for its reason.
      if (socket === this.#socket) this.#lastError = event?.message ?? event?.error?.message ?? '';
    };
    socket.onclose = (event) => {
      if (socket === this.#socket) {
        this.#socket = null;
        if (this.#state !== 'closed') this.#onSocketClosed(event?.code ?? 1006, event?.reason || this.#lastError);
      }
      closed();
    };
    this.#emit('connection', { state: 'connecting', attempt: this.#attempt });
  }

  #onOpen() {
    const hello = { type: 'hello', ...this.#hello };
    if (this.#token && this.#tokenVia === 'hello') hello.token = this.#token;
    // After a reconnect the last welcome's token; on the first connection the one given to connect, if any.
    if (this.#resume) hello.resume = this.#resume;
    this.#resumeAsked = hello.resume !== undefined;
    if (Object.keys(hello).length > 1) this.#sendText(hello);
  }

  #onSocketClosed(closeCode, reason) {
    this.#lastClose = { closeCode, reason };
    const policy = closeCode === POLICY_CLOSE;
    const retry = !policy
      && this.#attempt < this.#reconnect.maxAttempts
      && (this.#everWelcomed || this.#reconnect.retryFirstConnect);
    if (!retry) {
      this.#finish(new ClosedError(closeCode, reason), closeCode, reason, false);
      return;
    }
    // Whatever was sent and not answered is lost with the socket: the caller hears of it, nothing is sent again.
    this.#failPending(new DisconnectedError(closeCode, reason, true));
    this.#state = this.#everWelcomed ? 'reconnecting' : 'connecting';
    const delayMs = reconnectDelay(this.#attempt, this.#reconnect);
    this.#attempt += 1;
    this.#reconnectTimer = setTimeout(() => this.#openSocket(), delayMs);
    this.#emit('connection', { state: 'reconnecting', closeCode, reason, delayMs, attempt: this.#attempt });
  }

  /** The session ends: everything waiting fails with `error`, and no reconnect follows. */
  #finish(error, closeCode, reason, byClient) {
    this.#state = 'closed';
    this.#closed = error;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.stopCamera();
    this.#failPending(error);
    this.#waiting.splice(0).forEach((frame) => frame.reject(error));
    this.#freeWaiters.splice(0).forEach((waiter) => waiter.reject(error));
    this.#opened?.reject(error);
    this.#opened = null;
    this.#emit('connection', { state: 'closed', closeCode, reason, byClient });
  }

  /** Why a request cannot be made now: the session is closed, or reconnecting. */
  #unavailable() {
    if (this.#state === 'closed') return this.#closed;
    return new DisconnectedError(this.#lastClose.closeCode, this.#lastClose.reason, true);
  }

  #failPending(error) {
    for (const frame of this.#inflight.values()) {
      clearTimeout(frame.timer);
      frame.reject(error);
    }
    this.#inflight.clear();
    this.#asks.splice(0).forEach((answer) => answer.fail(error));
    for (const answer of this.#answers.values()) answer.fail(error);
    this.#answers.clear();
    this.#otherAnswers.clear();
    this.#gestureRequests.splice(0).forEach((request) => request.reject(error));
    this.#pings.splice(0).forEach((ping) => ping.reject(error));
  }

  #sendText(message) {
    this.#socket.send(JSON.stringify(message));
  }

  // ---- messages from the server

  #onText(text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return; // the server sends JSON only
    }
    if (m === null || typeof m !== 'object' || typeof m.type !== 'string') return;
    switch (m.type) {
      case 'welcome':
        this.#onWelcome(m);
        break;
      case 'hands':
        this.#settleFrame(m.seq, (frame) => frame.resolve(m));
        break;
      case 'dropped':
        this.#settleFrame(m.seq, (frame) => frame.reject(new FrameDroppedError(m.seq, m.reason)));
        break;
      case 'error':
        this.#onError(m);
        break;
      case 'teaching': {
        const request = this.#gestureRequests.find((r) => r.kind === 'teach' && r.key === sameName(m.name));
        if (request?.onProgress) this.#call(request.onProgress, m);
        break;
      }
      case 'taught':
        this.#settleGesture('teach', m.name, (request) => request.resolve(m));
        break;
      case 'forgotten':
        this.#settleGesture('forget', m.name, (request) => request.resolve(m));
        break;
      case 'ai':
        this.#onAi(m);
        break;
      case 'ai_error':
        this.#onAiError(m);
        break;
      case 'pong':
        this.#pings.shift()?.resolve(m);
        break;
      default:
        break;
    }
    this.#emit(m.type, m);
    this.#emit('message', m);
  }

  #onWelcome(m) {
    this.#welcome = m;
    this.#limits = { ...FIRST_LIMITS, ...m.limits };
    if (typeof m.resumeToken === 'string') this.#resume = m.resumeToken;
    if (m.resumed === true) this.#resumeAsked = false;
    this.#attempt = 0;
    if (this.#state !== 'open') {
      const reconnected = this.#everWelcomed;
      this.#state = 'open';
      this.#everWelcomed = true;
      this.#emit('connection', { state: 'connected', reconnected });
      this.#opened?.resolve(this);
      this.#opened = null;
    }
    this.#pump();
  }

  #onError(m) {
    if (m.seq !== undefined) {
      this.#settleFrame(m.seq, (frame) => frame.reject(new ServerError(m)));
    } else if (m.name !== undefined) {
      this.#settleGesture(null, m.name, (request) => request.reject(new ServerError(m)));
    } else if (this.#resumeAsked) {
      this.#resumeAsked = false; // the resume was refused: a new session, which the welcome before said
    } else if (ASK_REFUSALS.has(m.code) && this.#asks.length) {
      // A refused question names nothing; the oldest question without an answer yet is the one refused.
      this.#asks.shift().fail(new ServerError(m));
    }
  }

  #onAi(m) {
    let answer = this.#answers.get(m.answerId);
    if (!answer && !this.#otherAnswers.has(m.answerId)) {
      if (m.trigger?.type === 'question' && this.#asks.length) {
        answer = this.#asks.shift();
        this.#answers.set(m.answerId, answer);
      } else {
        this.#otherAnswers.add(m.answerId);
      }
    }
    if (m.done === true) {
      this.#answers.delete(m.answerId);
      this.#otherAnswers.delete(m.answerId);
    }
    answer?.deliver(m);
  }

  #onAiError(m) {
    let answer = this.#answers.get(m.answerId);
    this.#answers.delete(m.answerId);
    if (this.#otherAnswers.delete(m.answerId)) return;
    // An answer that failed before its first delta: the oldest question waiting for one.
    answer ??= this.#asks.shift();
    answer?.fail(new AssistantError(m));
  }

  #emit(type, message) {
    const set = this.#listeners.get(type);
    if (set) [...set].forEach((listener) => this.#call(listener, message));
  }

  /**
   * Calls the caller's function; its failure neither stops the others nor the session, and is reported as uncaught
   * (reportError where there is one, as in browsers).
   */
  #call(fn, message) {
    try {
      fn(message);
    } catch (error) {
      if (typeof globalThis.reportError === 'function') {
        globalThis.reportError(error);
      } else {
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  // ---- frames

  #canSend() {
    return this.#state === 'open'
      && this.#socket?.readyState === OPEN
      && this.#inflight.size < this.#limits.inflight;
  }

  #transmit(frame) {
    const limit = this.#limits.maxFrameBytes;
    if (limit !== undefined && frame.bytes.byteLength > limit) {
      frame.reject(new FrameTooLargeError(frame.bytes.byteLength, limit));
      return;
    }
    this.#seq = this.#seq >= MAX_SEQ ? 1 : this.#seq + 1;
    const seq = this.#seq;
    const timer = setTimeout(
      () => this.#settleFrame(seq, (f) => f.reject(new FrameTimeoutError(seq, this.#frameTimeoutMs))),
      this.#frameTimeoutMs,
    );
    this.#inflight.set(seq, { resolve: frame.resolve, reject: frame.reject, timer });
    this.#socket.send(encodeFrame(seq, frame.captureTime, frame.bytes));
    this.#emit('sent', { seq, captureTime: frame.captureTime, bytes: frame.bytes.byteLength });
  }

  #settleFrame(seq, settle) {
    const frame = this.#inflight.get(seq);
    if (!frame) return; // answered already, timed out, or sent on an earlier connection
    this.#inflight.delete(seq);
    clearTimeout(frame.timer);
    settle(frame);
    this.#pump();
  }

  /** Sends waiting frames while slots are free; then tells those waiting for a slot. */
  #pump() {
    while (this.#waiting.length && this.#canSend()) this.#transmit(this.#waiting.shift());
    if (this.#waiting.length === 0 && this.#canSend()) {
      this.#freeWaiters.splice(0).forEach((waiter) => waiter.resolve());
    }
  }

  #whenFree() {
    if (this.#state === 'closed') return Promise.reject(this.#closed);
    if (this.#waiting.length === 0 && this.#canSend()) return Promise.resolve();
    return new Promise((resolve, reject) => this.#freeWaiters.push({ resolve, reject }));
  }

  // ---- answers and gestures

  /** A `for await` left early: its answer is stopped if it is the one running or about to run. */
  #abandon(answer) {
    const running = [...this.#answers.values()].includes(answer) || this.#asks.includes(answer);
    if (running && this.#state === 'open') this.#sendText({ type: 'stop' });
  }

  #gestureRequest(kind, name, message, onProgress) {
    return new Promise((resolve, reject) => {
      if (typeof name !== 'string') {
        reject(new TypeError(`a gesture's name must be a string, was ${typeof name}`));
      } else if (this.#state !== 'open') {
        reject(this.#unavailable());
      } else {
        this.#gestureRequests.push({ kind, key: sameName(name), resolve, reject, onProgress });
        this.#sendText(message);
      }
    });
  }

  /** The oldest teach or forget (of `kind`, or either for null) of the gesture `name` gets its answer. */
  #settleGesture(kind, name, settle) {
    const key = sameName(name);
    const at = this.#gestureRequests.findIndex((r) => r.key === key && (kind === null || r.kind === kind));
    if (at >= 0) settle(this.#gestureRequests.splice(at, 1)[0]);
  }
}

function pick(object, keys) {
  const picked = {};
  for (const key of keys) if (object[key] !== undefined) picked[key] = object[key];
  return picked;
}

function isBinary(image) {
  return image instanceof ArrayBuffer || ArrayBuffer.isView(image);
}

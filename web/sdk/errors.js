// The errors the SDK rejects with. Every one is a PalmreaderError with a string `code`: the server's error code for a
// ServerError or an AssistantError, the SDK's own otherwise.

export class PalmreaderError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A frame refused at once because `limits.inflight` frames are unanswered and the caller asked not to wait. */
export class BusyError extends PalmreaderError {
  constructor(inflight) {
    super('busy', `${inflight} frame(s) already wait for their answer`);
    this.inflight = inflight;
  }
}

/** The server will not answer this frame (a `dropped` message): `reason` says why (superseded, rate_limited, …). */
export class FrameDroppedError extends PalmreaderError {
  constructor(seq, reason) {
    super('dropped', `frame ${seq} was dropped: ${reason}`);
    this.seq = seq;
    this.reason = reason;
  }
}

/** A frame larger than the server's `limits.maxFrameBytes`: never sent. */
export class FrameTooLargeError extends PalmreaderError {
  constructor(bytes, limit) {
    super('frame_too_large', `the image has ${bytes} bytes; the server takes at most ${limit}`);
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** No answer came for a frame within `frameTimeoutMs` (the server may skip answers to a slow client). */
export class FrameTimeoutError extends PalmreaderError {
  constructor(seq, timeoutMs) {
    super('timeout', `no answer to frame ${seq} within ${timeoutMs} ms`);
    this.seq = seq;
    this.timeoutMs = timeoutMs;
  }
}

/** An `error` message from the server about this request: `code` is the server's (invalid_frame, teach_failed, …). */
export class ServerError extends PalmreaderError {
  constructor(message) {
    super(message.code, message.message);
    this.seq = message.seq;
    this.gesture = message.name;
    this.fatal = message.fatal === true;
    this.retryAfterMs = message.retryAfterMs;
    this.serverMessage = message;
  }
}

/** An answer that failed (`ai_error`): `code` is the server's (assistant_unavailable, …), `partial` what came. */
export class AssistantError extends PalmreaderError {
  constructor(message) {
    super(message.code, message.message);
    this.answerId = message.answerId;
    this.partial = message.partial ?? '';
    this.serverMessage = message;
  }
}

/**
 * The connection was lost while this request waited for its answer. Nothing is sent again: the caller decides.
 * `reconnecting` says whether the session is reconnecting.
 */
export class DisconnectedError extends PalmreaderError {
  constructor(closeCode, reason, reconnecting) {
    super('disconnected', `the connection was lost (${closeCode}${reason ? `: ${reason}` : ''})`);
    this.closeCode = closeCode;
    this.reason = reason;
    this.reconnecting = reconnecting;
  }
}

/** The session is over: closed by the caller, refused by the server (1008), or out of reconnect attempts. */
export class ClosedError extends PalmreaderError {
  constructor(closeCode, reason) {
    super('closed', `the session is closed (${closeCode}${reason ? `: ${reason}` : ''})`);
    this.closeCode = closeCode;
    this.reason = reason;
  }
}

// palmreader-client: the Palmreader wire protocol (docs/protocol.md) for browsers and Node.js, without dependencies.
export { connect, SUBPROTOCOL, DEFAULT_FRAME_TIMEOUT_MS } from './session.js';
export { encodeFrame, decodeFrame, FRAME_VERSION, FRAME_HEADER_BYTES, MAX_SEQ } from './frame.js';
export { drawHands, defaultLabel, HAND_CONNECTIONS } from './draw.js';
export { reconnectDelay, RECONNECT_DEFAULTS } from './backoff.js';
export { CAMERA_DEFAULTS } from './camera.js';
export {
  PalmreaderError,
  BusyError,
  FrameDroppedError,
  FrameTooLargeError,
  FrameTimeoutError,
  ServerError,
  AssistantError,
  DisconnectedError,
  ClosedError,
} from './errors.js';

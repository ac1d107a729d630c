// palmreader-client: the Palmreader wire protocol (docs/protocol.md, version 1) for browsers and Node.js 20+.

// ---- server → client messages

/** A landmark: x and y normalized to the frame as displayed (0..1), z relative depth. */
export type Landmark = [x: number, y: number, z: number];

export interface Hand {
  /** A canned gesture's name, a taught one's, or `None`. */
  gesture: string;
  score: number;
  /** Present (true) when `gesture` is a taught one. */
  taught?: true;
  /** MediaPipe's label, which assumes a mirrored image. */
  handedness: 'Left' | 'Right';
  presence: number;
  /** 21 landmarks, MediaPipe's order. */
  landmarks: Landmark[];
}

export interface Limits {
  /** Frames of a session with inference at once; the SDK keeps no more unanswered. */
  inflight: number;
  /** Largest image, bytes; the SDK refuses larger ones before sending. */
  maxFrameBytes: number;
  maxFps: number;
  idleTimeoutMs: number;
  maxHands: number;
  model: string;
  /** The session's quality setting now. */
  quality: 'adaptive' | 'fixed';
  headerBytes: number;
  maxTextBytes: number;
}

export interface Capabilities {
  /** Only with the server's observability.exposeNodeNames. */
  node?: string;
  models: string[];
  gestures: string[];
  assistant: boolean;
}

export interface TaughtGestureEntry {
  name: string;
  recordings: number;
  team: boolean;
}

export interface WelcomeMessage {
  type: 'welcome';
  sessionId: string;
  /** What the SDK sends in `hello.resume` after a reconnect. */
  resumeToken: string;
  /** Present (true) when a resume succeeded. */
  resumed?: true;
  limits: Limits;
  capabilities: Capabilities;
  /** The user's taught gestures' names, then their team's. */
  customGestures: string[];
  taughtGestures: TaughtGestureEntry[];
}

export interface HandsMessage {
  type: 'hands';
  seq: number;
  /** The frame's capture time, echoed. */
  captureTs: number;
  width: number;
  height: number;
  hands: Hand[];
  /** The model that ran. */
  model: 'lite' | 'full';
  /**
   * The step of the server's quality ladder the frame ran on: 0 as the session asked; 1 the lite model (under load);
   * 2 the lite model looking for new hands less often. Always 0 with `quality: 'fixed'`.
   */
  rung: 0 | 1 | 2;
  timing: { queueMs: number; inferMs: number; serverMs: number };
  /** Only with the server's observability.exposeNodeNames. */
  worker?: string;
}

export interface GestureMessage {
  type: 'gesture';
  /** A held gesture, or a movement: Swipe_Left, Swipe_Right, Swipe_Up, Swipe_Down, Wave. */
  name: string;
  hand: string;
  /** ms since the epoch. */
  since: number;
}

export type ErrorCode =
  | 'invalid_frame'
  | 'frame_too_large'
  | 'bad_message'
  | 'rate_limited'
  | 'over_capacity'
  | 'internal'
  | 'teach_failed'
  | (string & {});

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
  /** The server closes the connection after a fatal error. */
  fatal: boolean;
  /** The frame it concerns. */
  seq?: number;
  /** The gesture a teach or forget refusal concerns. */
  name?: string;
  retryAfterMs?: number;
}

export interface StatsMessage {
  type: 'stats';
  fpsIn: number;
  fpsOut: number;
  dropped: number;
  /** Frames answered so far on a lower rung than asked (hands.rung above 0). */
  degraded: number;
  p50Ms: number;
}

export type DropReason =
  | 'superseded'
  | 'rate_limited'
  | 'over_capacity'
  | 'worker_busy'
  | 'frame_memory'
  | (string & {});

export interface DroppedMessage {
  type: 'dropped';
  seq: number;
  reason: DropReason;
}

export interface PongMessage {
  type: 'pong';
  /** Server time, ms. */
  ts: number;
}

export interface TeachingMessage {
  type: 'teaching';
  name: string;
  collected: number;
  frames: number;
}

export interface TaughtMessage {
  type: 'taught';
  name: string;
  /** Examples over all its recordings. */
  samples: number;
  recordings: number;
  /** Whether it went to the user's team set. */
  team: boolean;
}

export interface ForgottenMessage {
  type: 'forgotten';
  name: string;
}

export interface CustomGesturesMessage {
  type: 'custom_gestures';
  customGestures: string[];
  taughtGestures: TaughtGestureEntry[];
}

export interface AssistantMessage {
  type: 'assistant';
  enabled: boolean;
  available: boolean;
  model: string;
  breaker: 'CLOSED' | 'OPEN' | 'HALF_OPEN';
}

export type AnswerTrigger = { type: 'question' } | { type: 'gesture'; name: string; hand: string };

export interface AiMessage {
  type: 'ai';
  answerId: string;
  /** Text to append (to the answer, or to the thoughts when `thinking`). */
  delta: string;
  done: boolean;
  trigger: AnswerTrigger;
  /** A reasoning model's thought, not part of the answer. */
  thinking?: true;
  stopped?: true;
  truncated?: true;
  node?: string;
  stats?: { ttftMs: number; tokens: number; tokensPerSec: number };
}

export type AssistantErrorCode =
  | 'assistant_unavailable'
  | 'assistant_busy'
  | 'assistant_unauthorized'
  | 'assistant_error'
  | 'model_not_found'
  | (string & {});

export interface AiErrorMessage {
  type: 'ai_error';
  answerId: string;
  code: AssistantErrorCode;
  /** A plain sentence for the user. */
  message: string;
  /** The text that arrived before the failure. */
  partial: string;
}

/** Every message the server sends, by its type. */
export interface ServerMessages {
  welcome: WelcomeMessage;
  hands: HandsMessage;
  gesture: GestureMessage;
  error: ErrorMessage;
  stats: StatsMessage;
  dropped: DroppedMessage;
  pong: PongMessage;
  teaching: TeachingMessage;
  taught: TaughtMessage;
  forgotten: ForgottenMessage;
  custom_gestures: CustomGesturesMessage;
  assistant: AssistantMessage;
  ai: AiMessage;
  ai_error: AiErrorMessage;
}

export type ServerMessage = ServerMessages[keyof ServerMessages];

// ---- the SDK's own events

export type ConnectionEvent =
  | { state: 'connecting'; attempt: number }
  | { state: 'connected'; reconnected: boolean }
  | { state: 'reconnecting'; closeCode: number; reason: string; delayMs: number; attempt: number }
  | { state: 'closed'; closeCode: number; reason: string; byClient: boolean };

export interface SentEvent {
  seq: number;
  captureTime: number;
  /** Image bytes (without the header). */
  bytes: number;
}

/** What `on` can listen to: every server message by its type, `message` for all of them, and the SDK's events. */
export interface SessionEvents extends ServerMessages {
  message: ServerMessage;
  /** The connection's state changes. */
  connection: ConnectionEvent;
  /** A frame went out. */
  sent: SentEvent;
}

export type Listener<K extends keyof SessionEvents> = (event: SessionEvents[K]) => void;

// ---- connecting

export interface HelloOptions {
  model?: 'lite' | 'full';
  /** 1..limits.maxHands */
  maxHands?: number;
  /** Answer gestures and questions (can only turn off what the server has on). */
  assistant?: boolean;
  /** Send the latest frame to the model with each prompt. */
  attachFrame?: boolean;
  /**
   * 'adaptive' (default): under load the server answers with the lite model rather than drop frames; 'fixed': keep
   * the model, and have frames dropped (worker_busy) instead.
   */
  quality?: 'adaptive' | 'fixed';
}

export interface ReconnectOptions {
  /** Delay before the first reconnect, ms, before jitter. Default 500. */
  initialDelayMs?: number;
  /** Longest delay, ms. Default 8000. */
  maxDelayMs?: number;
  /** Growth of the delay per failed attempt. Default 2. */
  factor?: number;
  /** Attempts in a row before the session closes. Default Infinity. */
  maxAttempts?: number;
  /** Retry a first connection that fails, too (else `connect` rejects). Default false. */
  retryFirstConnect?: boolean;
}

/** The constructor of a WebSocket: the browser's, or the ws package's in Node. */
export interface WebSocketClass {
  new (url: string, protocols?: string | string[]): any;
}

export interface ConnectOptions {
  /** A signed token (JWT) for a server with authentication. */
  token?: string;
  /**
   * Where the token goes: 'protocol' (default): a `bearer.TOKEN` Sec-WebSocket-Protocol entry beside `palmreader`;
   * 'hello': in the first message.
   */
  tokenVia?: 'protocol' | 'hello';
  /** The WebSocket class; default globalThis.WebSocket. In Node: `import { WebSocket } from 'ws'`. */
  WebSocket?: WebSocketClass;
  /** Session options sent in the hello when connecting (and again after each reconnect). */
  hello?: HelloOptions & { resume?: string };
  /** Reconnect after an unexpected close (default true); a policy close (1008) is final. */
  reconnect?: boolean | ReconnectOptions;
  /** What sendFrame does with no free slot: 'wait' (default) or 'reject' with BusyError. */
  whenBusy?: 'wait' | 'reject';
  /** How long a frame waits for its answer before it rejects with FrameTimeoutError, ms. Default 10000. */
  frameTimeoutMs?: number;
  /** Listeners in place before the connection opens, so that none of the first messages is missed. */
  on?: { [K in keyof SessionEvents]?: Listener<K> | Listener<K>[] };
  /** Aborting it closes the session (connect rejects with ClosedError when that happens before the welcome). */
  signal?: AbortSignal;
}

/** Opens a session; resolves once the server's `welcome` came. Rejects with ClosedError when the first connection fails. */
export function connect(url: string, options?: ConnectOptions): Promise<Session>;

// ---- a session

export type FrameImage = ArrayBuffer | ArrayBufferView | Blob;

export interface SendFrameOptions {
  /** ms since the epoch; default now. */
  captureTime?: number;
  /** Overrides the session's whenBusy. */
  whenBusy?: 'wait' | 'reject';
}

export interface CameraOptions {
  /** Frames per second at most (default 30); the server's limits.maxFps caps it too. A function is read per frame. */
  fps?: number | (() => number);
  /** Capture width, pixels (default 640, never more than the video's). */
  width?: number | (() => number);
  /** JPEG quality, 0..1 (default 0.7). */
  quality?: number | (() => number);
  /** Told of each frame that got no answer or could not be sent (FrameDroppedError, FrameTooLargeError, …). */
  onError?: (error: Error) => void;
  /** The canvas to draw frames on; default a new one. */
  canvas?: HTMLCanvasElement | OffscreenCanvas;
}

export interface AnswerDelta {
  delta: string;
  /** A reasoning model's thought, not part of the answer. */
  thinking: boolean;
  answerId: string;
}

export interface AnswerResult {
  answerId: string;
  text: string;
  thinking: string;
  stopped: boolean;
  truncated: boolean;
  stats?: { ttftMs: number; tokens: number; tokensPerSec: number };
  node?: string;
  trigger: AnswerTrigger;
}

/**
 * A question's answer: iterate it for the deltas (the iteration ends at done or stop, and throws AssistantError on
 * ai_error, ServerError for a refused question, DisconnectedError if the connection drops). Leaving the loop early
 * stops the answer.
 */
export interface Answer extends AsyncIterableIterator<AnswerDelta> {
  readonly question: string;
  /** Known once its first message came. */
  readonly answerId: string | null;
  /** The text so far. */
  readonly text: string;
  readonly thinking: string;
  readonly settled: boolean;
  /** The whole answer once it ends; rejects as the iteration throws. */
  readonly result: Promise<AnswerResult>;
}

export interface TeachOptions {
  /** Examples to gather, 5..60 (server default 15). */
  frames?: number;
  /** Make this recording the gesture's only one. */
  replace?: boolean;
  /** Each `teaching` message of this teach. */
  onProgress?: (message: TeachingMessage) => void;
}

export interface Session {
  readonly welcome: WelcomeMessage;
  readonly limits: Limits;
  readonly sessionId: string;
  readonly resumeToken: string | null;
  readonly state: 'connecting' | 'open' | 'reconnecting' | 'closed';
  /** Frames sent and not answered yet. */
  readonly inflight: number;

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof SessionEvents>(type: K, listener: Listener<K>): () => void;

  /**
   * Sends a JPEG (or PNG) frame; resolves with its `hands`. Rejects with FrameDroppedError (`dropped`), ServerError
   * (`error` for its seq), FrameTooLargeError, FrameTimeoutError, BusyError (whenBusy 'reject' with no free slot),
   * DisconnectedError (the connection dropped before its answer: it is not sent again) or ClosedError.
   */
  sendFrame(image: FrameImage, options?: SendFrameOptions): Promise<HandsMessage>;

  /** Browsers: sends frames from the video element as fast as answers allow. */
  startCamera(video: HTMLVideoElement, options?: CameraOptions): void;
  stopCamera(): void;

  /** Asks the assistant; the answer streams. */
  ask(text: string): Answer;
  /** Stops the running answer (it ends with stopped). */
  stop(): void;

  /**
   * Teaches a pose: the next answered frames with one hand are its examples, so keep sending frames. Resolves with
   * `taught`; rejects with ServerError (teach_failed, bad_message, rate_limited) naming the gesture.
   */
  teach(name: string, options?: TeachOptions): Promise<TaughtMessage>;
  /** Resolves with `forgotten`; rejects with ServerError bad_message when no such gesture is taught. */
  forget(name: string): Promise<ForgottenMessage>;

  ping(): Promise<PongMessage>;
  /** Changes session options (a hello); they are kept for reconnects. */
  configure(options: HelloOptions): void;
  /** A fresh token for the session, before the current one's exp (a hello); kept for reconnects. */
  renewToken(token: string): void;
  /** Ends the session; resolves once the socket closed. */
  close(code?: number, reason?: string): Promise<void>;
}

// ---- errors

export class PalmreaderError extends Error {
  readonly code: string;
}
export class BusyError extends PalmreaderError {
  readonly code: 'busy';
  readonly inflight: number;
}
export class FrameDroppedError extends PalmreaderError {
  readonly code: 'dropped';
  readonly seq: number;
  readonly reason: DropReason;
}
export class FrameTooLargeError extends PalmreaderError {
  readonly code: 'frame_too_large';
  readonly bytes: number;
  readonly limit: number;
}
export class FrameTimeoutError extends PalmreaderError {
  readonly code: 'timeout';
  readonly seq: number;
  readonly timeoutMs: number;
}
/** An `error` message about the request. */
export class ServerError extends PalmreaderError {
  readonly code: ErrorCode;
  readonly seq?: number;
  /** The gesture a teach or forget refusal names. */
  readonly gesture?: string;
  readonly fatal: boolean;
  readonly retryAfterMs?: number;
  readonly serverMessage: ErrorMessage;
}
/** An `ai_error`. */
export class AssistantError extends PalmreaderError {
  readonly code: AssistantErrorCode;
  readonly answerId: string;
  readonly partial: string;
  readonly serverMessage: AiErrorMessage;
}
export class DisconnectedError extends PalmreaderError {
  readonly code: 'disconnected';
  readonly closeCode: number;
  readonly reason: string;
  readonly reconnecting: boolean;
}
export class ClosedError extends PalmreaderError {
  readonly code: 'closed';
  readonly closeCode: number;
  readonly reason: string;
}

// ---- the frame format, drawing, defaults

export const SUBPROTOCOL: 'palmreader';
export const DEFAULT_FRAME_TIMEOUT_MS: number;
export const FRAME_VERSION: 1;
export const FRAME_HEADER_BYTES: 14;
export const MAX_SEQ: number;

/** One binary frame: version, flags, uint32 seq, int64 capture time (ms), then the image. */
export function encodeFrame(seq: number, captureTime: number, image: ArrayBuffer | ArrayBufferView): Uint8Array;
export function decodeFrame(message: ArrayBuffer | ArrayBufferView): {
  version: number;
  flags: number;
  seq: number;
  captureTime: number;
  image: Uint8Array;
};

export interface DrawHandsOptions {
  /** Default the canvas's size. */
  width?: number;
  height?: number;
  /** Mirror left to right, as over a mirrored preview. */
  mirror?: boolean;
  /** Bone colors by handedness. */
  colors?: { Left?: string; Right?: string };
  lineWidth?: number;
  pointRadius?: number;
  pointColor?: string;
  /** false for none, or the text for a hand; default "Gesture 93%". */
  label?: boolean | ((hand: Hand) => string);
  labelColor?: string;
  taughtColor?: string;
}

/** Draws each hand's skeleton and label on a 2D context. */
export function drawHands(
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  hands: HandsMessage | Hand[] | null | undefined,
  options?: DrawHandsOptions,
): void;
export function defaultLabel(hand: Hand): string;
export const HAND_CONNECTIONS: ReadonlyArray<readonly [number, number]>;

export function reconnectDelay(
  attempt: number,
  policy?: Required<Omit<ReconnectOptions, 'retryFirstConnect'>>,
  random?: () => number,
): number;
export const RECONNECT_DEFAULTS: Readonly<Required<ReconnectOptions>>;
export const CAMERA_DEFAULTS: Readonly<{ width: number; quality: number; fps: number }>;

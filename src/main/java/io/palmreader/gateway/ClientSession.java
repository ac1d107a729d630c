package io.palmreader.gateway;

import io.palmreader.eventlog.EventLog;
import io.palmreader.inference.FrameAnswer;
import io.palmreader.inference.FrameTask;
import io.palmreader.inference.InferenceAddresses;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.protocol.ClientFrame;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ProtocolException;
import io.palmreader.protocol.ServerMessages;
import io.palmreader.session.FrameRateLimiter;
import io.palmreader.session.KeyValueStore;
import io.palmreader.session.SharedLimits;
import io.palmreader.session.StoreKeys;
import io.palmreader.session.GestureStabilizer;
import io.palmreader.session.GestureStabilizer.StableGesture;
import io.palmreader.session.MotionGestures;
import io.palmreader.session.MotionGestures.Motion;
import io.palmreader.vision.Hand;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.TrackingState;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection, one session, on its gateway's event loop. It holds what must outlive a frame: the
 * tracking state, the newest waiting frame, the gesture history, counters. Latency stays bounded by
 * construction: at most {@code inflight} frames are with inference, one more waits, and a newer frame replaces the
 * waiting one.
 */
final class ClientSession {

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  private static final long RATE_LIMIT_NOTICE_INTERVAL_MS = 1000;
  private static final long REGISTRY_REFRESH_MS = 10_000;

  /** A frame as received, with its arrival time for the server-side latency. */
  private record Arrival(ClientFrame frame, long receivedNanos) {
  }

  private final String id;
  private final ServerWebSocket socket;
  private final GatewayConfig config;
  private final Vertx vertx;
  private final PalmreaderMetrics metrics;
  private final FrameRateLimiter rateLimiter;
  private final GestureStabilizer gestures;
  private final MotionGestures motions = new MotionGestures();
  private final AssistantLink assistant;
  private final KeyValueStore store;
  private final SharedLimits limits;
  private final String address;
  private final String resumeToken = UUID.randomUUID().toString();
  private final long createdMs = System.currentTimeMillis();
  private long registryTimer = -1;
  private io.vertx.core.Future<Void> saving = io.vertx.core.Future.succeededFuture();
  private final JsonObject capabilities;

  private ModelVariant model;
  private int maxHands;
  private TrackingState tracking = TrackingState.NONE;
  private int inflight;
  private Arrival waiting;
  private long lastActivityMs;
  private long lastRateNoticeMs;
  private boolean closed;
  private boolean overCapacityTold;
  private Runnable onEnd = () -> { };
  private io.vertx.core.Promise<Void> drained;
  private long statsTimer = -1;
  private long idleTimer = -1;

  private long dropped;
  private int intervalIn;
  private int intervalOut;
  private double[] intervalServerMs = new double[64];
  private long intervalStartNanos;

  ClientSession(String id, ServerWebSocket socket, GatewayConfig config, Vertx vertx, PalmreaderMetrics metrics,
                JsonObject capabilities, KeyValueStore store, SharedLimits limits) {
    this.id = id;
    this.socket = socket;
    this.config = config;
    this.vertx = vertx;
    this.metrics = metrics;
    this.capabilities = capabilities;
    this.rateLimiter = new FrameRateLimiter(config.maxFps());
    this.gestures = new GestureStabilizer(config.holdFrames(), config.holdMs());
    this.model = config.model();
    this.maxHands = config.maxHands();
    this.store = store;
    this.limits = limits;
    this.address = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().host();
    this.assistant = new AssistantLink(id, address, limits, vertx, config, this::send);
  }

  /** Runs once when the session ends, however it ends. */
  void onEnd(Runnable action) {
    onEnd = action;
  }

  /**
   * Ends the session for a node shutdown: no new frames are taken, those with inference are answered (or time out),
   * then the client is told to reconnect, which the web client does with its resume token, to any node.
   */
  io.vertx.core.Future<Void> drain() {
    if (closed) {
      return io.vertx.core.Future.succeededFuture();
    }
    drained = io.vertx.core.Promise.promise();
    waiting = null;
    if (inflight == 0) {
      closeForShutdown();
    }
    return drained.future();
  }

  private void closeForShutdown() {
    socket.close((short) 1001, "server restarting: reconnect with your resumeToken");
    onClosed();
    drained.tryComplete();
  }

  void start() {
    lastActivityMs = System.currentTimeMillis();
    intervalStartNanos = System.nanoTime();
    metrics.sessions().incrementAndGet();
    socket.binaryMessageHandler(this::onBinary);
    socket.textMessageHandler(this::onText);
    socket.exceptionHandler(this::onSocketError);
    socket.closeHandler(v -> onClosed());
    send(welcome());
    EventLog.record(vertx, EventLog.SESSIONS, id, new JsonObject().put("event", "opened")
        .put("node", capabilities.getString("node")).put("address", address));
    saveForResume();
    assistant.start();
    statsTimer = vertx.setPeriodic(config.statsIntervalMs(), t -> sendStats());
    idleTimer = vertx.setPeriodic(Math.max(250, config.idleTimeoutMs() / 4), t -> closeIfIdle());
    registryTimer = vertx.setPeriodic(REGISTRY_REFRESH_MS, t -> register());
  }

  /**
   * Vert.x drops a message beyond the socket's message size as it arrives and reports it here; the client is closed
   * with 1009 rather than left waiting for an answer that will not come.
   */
  private void onSocketError(Throwable e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("max message size")) {
      metrics.messageRefused("too_large_for_socket");
      socket.close((short) 1009, "message too large: frames up to " + config.maxFrameBytes() + " bytes");
      return;
    }
    LOG.debug("session {}: socket error: {}", id, e.toString());
  }

  private JsonObject welcome() {
    JsonObject sessionLimits = config.limits().put("model", model.id()).put("maxHands", maxHands);
    return ServerMessages.welcome(id, sessionLimits, capabilities).put("resumeToken", resumeToken);
  }

  /**
   * What a reconnecting client gets back with this session's token: its conversation and settings. Kept in the
   * shared store, so the client may come back through any node.
   */
  private void saveForResume() {
    JsonObject record = new JsonObject().put("conversationId", assistant.conversationId()).put("model", model.id())
        .put("maxHands", maxHands).put("assistant", assistant.enabled()).put("attachFrame", assistant.attachFrame());
    // One write after the other: pooled connections could otherwise land an older record last.
    saving = saving.transform(v -> store.set(StoreKeys.resume(resumeToken), record.encode(), config.resumeTtlMs()))
        .onFailure(e -> LOG.debug("session {}: resume record not saved: {}", id, e.getMessage()));
    register();
  }

  /** The registry entry other nodes can see: where this session lives and when it was last heard from. */
  private void register() {
    JsonObject entry = new JsonObject().put("node", capabilities.getString("node")).put("created", createdMs)
        .put("lastSeen", lastActivityMs).put("conversationId", assistant.conversationId());
    saving = saving.transform(v -> store.set(StoreKeys.session(id), entry.encode(), config.resumeTtlMs()));
  }

  private void resume(String token) {
    store.get(StoreKeys.resume(token)).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed() || ar.result() == null) {
        send(ServerMessages.error(ErrorCode.BAD_MESSAGE, "resume token unknown or expired; this is a new session",
            false));
        return;
      }
      JsonObject record = new JsonObject(ar.result());
      model = ModelVariant.parse(record.getString("model", model.id()));
      maxHands = Math.min(config.maxHands(), record.getInteger("maxHands", maxHands));
      assistant.configure(new JsonObject().put("assistant", record.getBoolean("assistant", true))
          .put("attachFrame", record.getBoolean("attachFrame", false)));
      assistant.continueConversation(record.getString("conversationId"));
      saveForResume();
      send(welcome().put("resumed", true));
    });
  }

  private void onBinary(Buffer message) {
    lastActivityMs = System.currentTimeMillis();
    if (drained != null) {
      drop("shutting_down");
      return;
    }
    long now = System.nanoTime();
    metrics.frameReceived();
    intervalIn++;
    int imageBytes = message.length() - ClientFrame.HEADER_BYTES;
    if (imageBytes > config.maxFrameBytes()) {
      long seq = message.length() >= 6 ? message.getUnsignedInt(2) : -1;
      drop("frame_too_large");
      send(ServerMessages.error(ErrorCode.FRAME_TOO_LARGE, "frame of " + imageBytes + " bytes is over the limit of "
          + config.maxFrameBytes(), false, seq));
      return;
    }
    ClientFrame frame;
    try {
      frame = ClientFrame.parse(message);
    } catch (ProtocolException e) {
      drop("invalid_frame");
      send(ServerMessages.error(e.code(), e.getMessage(), false));
      return;
    }
    long addressRetryMs = limits.frame(address);
    if (addressRetryMs > 0) {
      drop("rate_limited");
      if (lastActivityMs - lastRateNoticeMs >= RATE_LIMIT_NOTICE_INTERVAL_MS) {
        lastRateNoticeMs = lastActivityMs;
        send(ServerMessages.error(ErrorCode.RATE_LIMITED, "too many frames from this address", false, frame.sequence())
            .put("retryAfterMs", addressRetryMs));
      } else {
        send(ServerMessages.dropped(frame.sequence(), "rate_limited"));
      }
      return;
    }
    if (!rateLimiter.tryAcquire(now)) {
      drop("rate_limited");
      if (lastActivityMs - lastRateNoticeMs >= RATE_LIMIT_NOTICE_INTERVAL_MS) {
        lastRateNoticeMs = lastActivityMs;
        send(ServerMessages.error(ErrorCode.RATE_LIMITED, "more than " + config.maxFps()
            + " frames per second; frames over the limit are dropped", false, frame.sequence()));
      } else {
        send(ServerMessages.dropped(frame.sequence(), "rate_limited"));
      }
      return;
    }
    Arrival arrival = new Arrival(frame, now);
    if (inflight < config.inflight()) {
      dispatch(arrival);
    } else {
      if (waiting != null) {
        drop("superseded");
        send(ServerMessages.dropped(waiting.frame().sequence(), "superseded"));
      }
      waiting = arrival;
    }
  }

  private void dispatch(Arrival arrival) {
    inflight++;
    metrics.pendingFrames().incrementAndGet();
    ClientFrame f = arrival.frame();
    FrameTask task = new FrameTask(id, f.sequence(), f.captureTs(), System.currentTimeMillis(), model, maxHands,
        tracking, f.image());
    vertx.eventBus().<FrameAnswer>request(InferenceAddresses.FRAMES, task,
            new DeliveryOptions().setSendTimeout(config.answerTimeoutMs()))
        .onComplete(ar -> onAnswer(arrival, ar));
  }

  private void onAnswer(Arrival arrival, AsyncResult<Message<FrameAnswer>> ar) {
    inflight--;
    metrics.pendingFrames().decrementAndGet();
    if (closed) {
      return;
    }
    if (drained != null) {
      if (ar.succeeded()) {
        deliver(arrival, ar.result().body());
      }
      if (inflight == 0) {
        closeForShutdown();
      }
      return;
    }
    if (ar.succeeded()) {
      deliver(arrival, ar.result().body());
    } else {
      fail(arrival, ar.cause());
    }
    if (waiting != null && inflight < config.inflight()) {
      Arrival next = waiting;
      waiting = null;
      dispatch(next);
    }
  }

  private void deliver(Arrival arrival, FrameAnswer answer) {
    long seq = arrival.frame().sequence();
    if (answer.failed()) {
      drop(answer.error().wire());
      send(ServerMessages.error(answer.error(), answer.errorMessage(), false, seq));
      return;
    }
    overCapacityTold = false;
    tracking = answer.tracking();
    double serverMs = (System.nanoTime() - arrival.receivedNanos()) / 1e6;
    metrics.stage("server", answer.worker(), serverMs);
    recordServerMs(serverMs);
    intervalOut++;
    long now = System.currentTimeMillis();
    Map<String, String> byHand = new LinkedHashMap<>();
    Map<String, double[]> palmByHand = new LinkedHashMap<>();
    for (Hand h : answer.hands()) {
      byHand.putIfAbsent(h.handedness(), h.gesture().label());
      palmByHand.putIfAbsent(h.handedness(), palmCentre(h));
    }
    if (socket.writeQueueFull()) {
      // A slow client misses this update rather than the server buffering it; the next one supersedes it anyway.
      drop("client_slow");
    } else {
      send(ServerMessages.hands(seq, arrival.frame().captureTs(), answer.width(), answer.height(), answer.hands(),
          answer.queueMs(), answer.timings().totalMs(), serverMs, answer.worker()));
    }
    assistant.onFrame(arrival.frame().image());
    for (StableGesture g : gestures.observe(byHand, now)) {
      send(ServerMessages.gesture(g.gesture(), g.hand(), g.since()));
      EventLog.record(vertx, EventLog.GESTURES, id, new JsonObject().put("name", g.gesture()).put("hand", g.hand())
          .put("since", g.since()).put("kind", "held"));
      assistant.onGesture(g.gesture(), g.hand(), now);
    }
    for (Motion m : motions.observe(palmByHand, now)) {
      send(ServerMessages.gesture(m.name(), m.hand(), m.since()));
      EventLog.record(vertx, EventLog.GESTURES, id, new JsonObject().put("name", m.name()).put("hand", m.hand())
          .put("since", m.since()).put("kind", "movement"));
      assistant.onGesture(m.name(), m.hand(), now);
    }
  }

  /** The middle of the wrist and the four knuckles: steadier than any single landmark while fingers move. */
  private static double[] palmCentre(Hand h) {
    double x = 0;
    double y = 0;
    for (int i : new int[] {0, 5, 9, 13, 17}) {
      x += h.x(i);
      y += h.y(i);
    }
    return new double[] {x / 5, y / 5};
  }

  private void fail(Arrival arrival, Throwable cause) {
    long seq = arrival.frame().sequence();
    if (cause instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() == InferenceAddresses.BUSY) {
      // Capacity is there but taken: this frame is skipped and the session's next one goes ahead.
      drop("worker_busy");
      overCapacityTold = false;
      send(ServerMessages.dropped(seq, "worker_busy"));
    } else if (cause instanceof ReplyException re
        && (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT)) {
      drop("over_capacity");
      // Told once per outage, not once per frame: frames keep flowing and answers resume by themselves.
      if (!overCapacityTold) {
        overCapacityTold = true;
        send(ServerMessages.error(ErrorCode.OVER_CAPACITY, re.failureType() == ReplyFailure.NO_HANDLERS
            ? "no inference worker is running" : "inference did not answer within " + config.answerTimeoutMs() + " ms",
            false, seq));
      } else {
        send(ServerMessages.dropped(seq, "over_capacity"));
      }
    } else {
      LOG.warn("session {}: frame {} failed in inference: {}", id, seq, cause.getMessage());
      drop("internal");
      send(ServerMessages.error(ErrorCode.INTERNAL, "inference failed for this frame", false, seq));
    }
  }

  String id() {
    return id;
  }

  /** A text message that reached the gateway before the session existed (an authenticating hello). */
  void receiveText(String text) {
    onText(text);
  }

  private void onText(String text) {
    lastActivityMs = System.currentTimeMillis();
    if (text.length() > config.maxTextBytes()) {
      metrics.messageRefused("text_too_large");
      send(ServerMessages.error(ErrorCode.BAD_MESSAGE, "text messages are limited to " + config.maxTextBytes()
          + " bytes", false));
      return;
    }
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      metrics.messageRefused("bad_message");
      send(ServerMessages.error(ErrorCode.BAD_MESSAGE, "text messages must be JSON objects", false));
      return;
    }
    String type = message.getValue("type") instanceof String s ? s : null;
    if (type == null) {
      send(ServerMessages.error(ErrorCode.BAD_MESSAGE, "a text message needs a string 'type'", false));
      return;
    }
    switch (type) {
      case "hello", "config" -> onHello(message);
      case "ping" -> send(ServerMessages.pong(System.currentTimeMillis()));
      case "ask" -> assistant.onAsk(message);
      case "stop" -> assistant.stop();
      default -> send(ServerMessages.error(ErrorCode.BAD_MESSAGE, "unknown message type '" + type + "'", false));
    }
  }

  private void onHello(JsonObject hello) {
    Object hands = hello.getValue("maxHands");
    Object wanted = hello.getValue("model");
    if (hands != null && !(hands instanceof Integer n && n >= 1 && n <= config.maxHands())) {
      send(ServerMessages.error(ErrorCode.BAD_MESSAGE, "maxHands must be a whole number from 1 to "
          + config.maxHands() + ", was " + hands, false));
      return;
    }
    if (wanted != null && !("lite".equals(wanted) || "full".equals(wanted))) {
      send(ServerMessages.error(ErrorCode.BAD_MESSAGE, "model must be 'lite' or 'full', was " + wanted, false));
      return;
    }
    String assistantProblem = assistant.configure(hello);
    if (assistantProblem != null) {
      send(ServerMessages.error(ErrorCode.BAD_MESSAGE, assistantProblem, false));
      return;
    }
    if (hands != null) {
      maxHands = (Integer) hands;
    }
    if (wanted != null) {
      model = ModelVariant.parse((String) wanted);
    }
    tracking = TrackingState.NONE;
    if (hello.getValue("resume") instanceof String token) {
      resume(token);
      return;
    }
    saveForResume();
    send(welcome());
  }

  private void drop(String reason) {
    dropped++;
    metrics.frameDropped(reason);
  }

  private void recordServerMs(double ms) {
    if (intervalOut >= intervalServerMs.length) {
      intervalServerMs = Arrays.copyOf(intervalServerMs, intervalServerMs.length * 2);
    }
    intervalServerMs[intervalOut] = ms;
  }

  private void sendStats() {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - intervalStartNanos) / 1e9);
    double p50 = 0;
    if (intervalOut > 0) {
      double[] sorted = Arrays.copyOf(intervalServerMs, intervalOut);
      Arrays.sort(sorted);
      p50 = sorted[(sorted.length - 1) / 2];
    }
    if (!socket.writeQueueFull()) {
      send(ServerMessages.stats(intervalIn / seconds, intervalOut / seconds, dropped, p50));
    }
    intervalIn = 0;
    intervalOut = 0;
    intervalStartNanos = now;
  }

  private void closeIfIdle() {
    if (System.currentTimeMillis() - lastActivityMs > config.idleTimeoutMs()) {
      LOG.info("session {}: closed after {} ms without a message", id, config.idleTimeoutMs());
      socket.close((short) 1001, "idle");
      onClosed();
    }
  }

  private void send(JsonObject message) {
    if (!closed) {
      socket.writeTextMessage(message.encode());
    }
  }

  private void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(statsTimer);
    vertx.cancelTimer(idleTimer);
    vertx.cancelTimer(registryTimer);
    metrics.sessions().decrementAndGet();
    EventLog.record(vertx, EventLog.SESSIONS, id, new JsonObject().put("event", "closed")
        .put("node", capabilities.getString("node")).put("durationMs", System.currentTimeMillis() - createdMs)
        .put("dropped", dropped));
    assistant.close();
    onEnd.run();
    if (waiting != null) {
      drop("session_closed");
      waiting = null;
    }
    // A session closed while draining (by its client, or idle) has nothing left to finish.
    if (drained != null) {
      drained.tryComplete();
    }
  }
}

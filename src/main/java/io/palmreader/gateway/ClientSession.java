package io.palmreader.gateway;

import io.palmreader.assistant.AssistantClient;
import io.palmreader.assistant.AssistantEvent;
import io.palmreader.eventlog.EventLog;
import io.palmreader.gesture.GestureEvents;
import io.palmreader.inference.FrameAnswer;
import io.palmreader.inference.FrameTask;
import io.palmreader.inference.InferenceOutcome;
import io.palmreader.protocol.ClientChannel;
import io.palmreader.protocol.ClientFrame;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.FrameNotice;
import io.palmreader.protocol.ProtocolException;
import io.palmreader.protocol.ServerMessages;
import io.palmreader.session.DropReason;
import io.palmreader.session.FrameFlow;
import io.palmreader.session.HelloRequest;
import io.palmreader.session.SessionRecords;
import io.palmreader.session.SessionStats;
import io.palmreader.session.SharedLimits;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.TrackingState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * One WebSocket connection, one session, on its gateway's event loop: a thin adapter from the socket to the session's
 * parts. Frames go through {@link FrameFlow} to the {@code InferenceClient}; answers come back as {@code hands} and
 * gestures; questions and gestures go to the {@link AssistantClient}, whose events come back as {@code ai} messages;
 * everything the client is sent goes through its {@link ClientChannel}.
 */
final class ClientSession {

  private static final long REGISTRY_REFRESH_MS = 10_000;
  private static final int MAX_QUESTION_CHARS = 2000;

  private final String id = UUID.randomUUID().toString();
  private final String resumeToken = UUID.randomUUID().toString();
  private final SessionContext ctx;
  private final ServerWebSocket socket;
  private final ClientChannel channel;
  private final String address;
  private final SharedLimits limits;
  private final FrameFlow flow;
  private final GestureEvents gestures;
  private final AssistantClient assistant;
  private final SessionRecords records;
  private final SessionStats stats = new SessionStats(System.nanoTime());
  private final long createdMs = System.currentTimeMillis();
  private final int maxFps;
  private ModelVariant model;
  private int maxHands;
  private TrackingState tracking = TrackingState.NONE;
  private long lastActivityMs = createdMs;
  private boolean closed;
  private Runnable onEnd = () -> { };
  private Promise<Void> drained;
  private long[] timers = {};

  ClientSession(SessionContext ctx, ServerWebSocket socket, int maxFps, SharedLimits limits) {
    this.ctx = ctx;
    this.socket = socket;
    this.channel = new ClientChannel(socket);
    this.address = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().host();
    this.limits = limits;
    this.maxFps = maxFps;
    this.flow = new FrameFlow(ctx.gateway().inflight(), ctx.gateway().maxFrameBytes(), maxFps, limits, address);
    this.gestures = new GestureEvents(ctx.gateway().holdFrames(), ctx.gateway().holdMs());
    this.assistant = new AssistantClient(ctx.vertx(), id, ctx.assistant(), this::onAssistant);
    this.records = new SessionRecords(ctx.store(), id, ctx.node(), createdMs, ctx.gateway().resumeTtlMs());
    this.model = ctx.model();
    this.maxHands = ctx.maxHands();
  }

  String id() {
    return id;
  }

  /** Runs once when the session ends, however it ends. */
  void onEnd(Runnable action) {
    onEnd = action;
  }

  void start() {
    ctx.metrics().sessions().incrementAndGet();
    socket.binaryMessageHandler(this::onBinary);
    socket.textMessageHandler(this::onText);
    socket.exceptionHandler(this::onSocketError);
    socket.closeHandler(v -> onClosed());
    channel.send(welcome());
    log(EventLog.SESSIONS, new JsonObject().put("event", "opened").put("node", ctx.node()).put("address", address));
    saveForResume();
    assistant.start();
    timers = new long[] {ctx.vertx().setPeriodic(ctx.gateway().statsIntervalMs(), t -> sendStats()),
        ctx.vertx().setPeriodic(Math.max(250, ctx.gateway().idleTimeoutMs() / 4), t -> closeIfIdle()),
        ctx.vertx().setPeriodic(REGISTRY_REFRESH_MS, t -> records.register(assistant.conversationId(), lastActivityMs))};
  }

  /**
   * Ends the session for a node shutdown: no new frames are taken, those with inference are answered (or time out),
   * then the client is told to reconnect, which the web client does with its resume token, to any node.
   */
  Future<Void> drain() {
    if (closed) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    flow.discardWaiting();
    if (flow.idle()) {
      closeForShutdown();
    }
    return drained.future();
  }

  private void closeForShutdown() {
    channel.close((short) 1001, "server restarting: reconnect with your resumeToken");
    onClosed();
  }

  /** Vert.x drops a message beyond the socket's limit as it arrives and reports it here: the client is closed (1009). */
  private void onSocketError(Throwable e) {
    if (String.valueOf(e.getMessage()).contains("max message size")) {
      ctx.metrics().messageRefused(MessageRefusal.TOO_LARGE_FOR_SOCKET);
      channel.close((short) 1009, "message too large: frames up to " + ctx.gateway().maxFrameBytes() + " bytes");
    }
  }

  private JsonObject welcome() {
    return ServerMessages.welcome(id, ctx.limits(maxFps, maxHands).put("model", model.id()), ctx.capabilities())
        .put("resumeToken", resumeToken);
  }

  private void saveForResume() {
    records.save(resumeToken, new SessionRecords.Resume(assistant.conversationId(), model, maxHands,
        assistant.enabled(), assistant.attachFrame()), lastActivityMs);
  }

  private void onBinary(Buffer message) {
    lastActivityMs = System.currentTimeMillis();
    ctx.metrics().frameReceived();
    stats.received();
    if (drained != null) {
      drop(DropReason.SHUTTING_DOWN);
      return;
    }
    FrameFlow.Admission admission = flow.admit(message, System.nanoTime(), lastActivityMs);
    if (admission instanceof FrameFlow.Dispatch d) {
      dispatch(d.arrival());
    } else if (admission instanceof FrameFlow.Wait w && w.superseded() != null) {
      tell(DropReason.SUPERSEDED, w.superseded());
    } else if (admission instanceof FrameFlow.Refuse r) {
      tell(r.reason(), r.notice());
    }
  }

  private void dispatch(FrameFlow.Arrival arrival) {
    ctx.metrics().pendingFrames().incrementAndGet();
    ClientFrame f = arrival.frame();
    FrameTask task = new FrameTask(id, f.sequence(), f.captureTs(), System.currentTimeMillis(),
        ctx.inference().deadlineFromNow(), model, maxHands, tracking, f.image());
    ctx.inference().submit(task).onSuccess(outcome -> onOutcome(arrival, outcome));
  }

  private void onOutcome(FrameFlow.Arrival arrival, InferenceOutcome outcome) {
    ctx.metrics().pendingFrames().decrementAndGet();
    FrameFlow.Refuse refused = flow.settle(arrival, outcome);
    if (closed) {
      return;
    }
    if (refused == null) {
      deliver(arrival, ((InferenceOutcome.Answered) outcome).answer());
    } else if (drained == null) {
      tell(refused.reason(), refused.notice());
    }
    if (drained != null) {
      if (flow.idle()) {
        closeForShutdown();
      }
      return;
    }
    FrameFlow.Arrival next = flow.next();
    if (next != null) {
      dispatch(next);
    }
  }

  private void deliver(FrameFlow.Arrival arrival, FrameAnswer answer) {
    tracking = answer.tracking();
    double serverMs = (System.nanoTime() - arrival.receivedNanos()) / 1e6;
    ctx.metrics().stage("server", answer.worker(), serverMs);
    stats.answered(serverMs);
    ClientFrame f = arrival.frame();
    if (!channel.send(ServerMessages.hands(f.sequence(), f.captureTs(), answer.width(), answer.height(),
        answer.hands(), answer.queueMs(), answer.timings().totalMs(), serverMs, answer.worker()))) {
      drop(DropReason.CLIENT_SLOW); // the next answer supersedes it
    }
    assistant.onFrame(f.image());
    long now = System.currentTimeMillis();
    for (GestureEvents.Event g : gestures.observe(answer.hands(), now)) {
      channel.send(ServerMessages.gesture(g.name(), g.hand(), g.since()));
      log(EventLog.GESTURES, new JsonObject().put("name", g.name()).put("hand", g.hand()).put("since", g.since())
          .put("kind", g.kind()));
      assistant.onGesture(g.name(), g.hand(), now);
    }
  }

  /** A text message, also one that reached the gateway before the session existed (an authenticating hello). */
  void onText(String text) {
    lastActivityMs = System.currentTimeMillis();
    try {
      if (text.length() > ctx.gateway().maxTextBytes()) {
        ctx.metrics().messageRefused(MessageRefusal.TEXT_TOO_LARGE);
        throw new ProtocolException(ErrorCode.BAD_MESSAGE, "text messages are limited to "
            + ctx.gateway().maxTextBytes() + " bytes");
      }
      JsonObject message = parse(text);
      String type = message.getValue("type") instanceof String s ? s : "";
      switch (type) {
        case "hello", "config" -> onHello(HelloRequest.parse(message, ctx.maxHands()));
        case "ping" -> channel.send(ServerMessages.pong(System.currentTimeMillis()));
        case "ask" -> onAsk(message.getValue("text"));
        case "stop" -> assistant.stop();
        default -> throw new ProtocolException(ErrorCode.BAD_MESSAGE, type.isEmpty()
            ? "a text message needs a string 'type'" : "unknown message type '" + type + "'");
      }
    } catch (ProtocolException e) {
      channel.send(ServerMessages.error(e.code(), e.getMessage(), false));
    }
  }

  private JsonObject parse(String text) {
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      ctx.metrics().messageRefused(MessageRefusal.BAD_MESSAGE);
      throw new ProtocolException(ErrorCode.BAD_MESSAGE, "text messages must be JSON objects");
    }
  }

  private void onHello(HelloRequest hello) {
    maxHands = hello.maxHands() != null ? hello.maxHands() : maxHands;
    model = hello.model() != null ? hello.model() : model;
    assistant.configure(hello.assistant(), hello.attachFrame());
    tracking = TrackingState.NONE;
    if (hello.resume() == null) {
      saveForResume();
      channel.send(welcome());
      return;
    }
    records.load(hello.resume(), model, maxHands).onSuccess(resumed -> {
      if (resumed == null) {
        channel.send(ServerMessages.error(ErrorCode.BAD_MESSAGE, "resume token unknown or expired; this is a new "
            + "session", false));
        return;
      }
      model = resumed.model();
      maxHands = Math.min(ctx.maxHands(), resumed.maxHands());
      assistant.configure(resumed.assistant(), resumed.attachFrame());
      assistant.continueConversation(resumed.conversationId());
      saveForResume();
      channel.send(welcome().put("resumed", true));
    });
  }

  private void onAsk(Object text) {
    if (!(text instanceof String question) || question.isBlank() || question.length() > MAX_QUESTION_CHARS) {
      throw new ProtocolException(ErrorCode.BAD_MESSAGE, "ask needs a 'text' of 1 to " + MAX_QUESTION_CHARS
          + " characters");
    }
    if (!assistant.enabled()) {
      throw new ProtocolException(ErrorCode.BAD_MESSAGE, "the assistant is off for this session (hello with "
          + "\"assistant\": true turns it on)");
    }
    limits.ask(id, address).onSuccess(retryAfterMs -> {
      if (retryAfterMs == 0) {
        assistant.ask(question);
      } else {
        channel.send(ServerMessages.error(ErrorCode.RATE_LIMITED, "too many questions; try again in "
            + (retryAfterMs + 999) / 1000 + " s", false).put("retryAfterMs", retryAfterMs));
      }
    });
  }

  private void onAssistant(AssistantEvent event) {
    channel.send(event.toWire());
  }

  private void tell(DropReason reason, FrameNotice notice) {
    drop(reason);
    channel.send(ServerMessages.notice(notice));
  }

  private void drop(DropReason reason) {
    stats.dropped();
    ctx.metrics().frameDropped(reason);
  }

  private void sendStats() {
    SessionStats.Interval i = stats.interval(System.nanoTime());
    channel.send(ServerMessages.stats(i.fpsIn(), i.fpsOut(), i.dropped(), i.p50Ms()));
  }

  private void closeIfIdle() {
    if (System.currentTimeMillis() - lastActivityMs > ctx.gateway().idleTimeoutMs()) {
      channel.close((short) 1001, "idle");
      onClosed();
    }
  }

  private void log(String topic, JsonObject record) {
    EventLog.record(ctx.vertx(), topic, id, record);
  }

  private void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    channel.closed();
    for (long timer : timers) {
      ctx.vertx().cancelTimer(timer);
    }
    ctx.metrics().sessions().decrementAndGet();
    log(EventLog.SESSIONS, new JsonObject().put("event", "closed").put("node", ctx.node())
        .put("durationMs", System.currentTimeMillis() - createdMs).put("dropped", stats.droppedSoFar()));
    assistant.close();
    onEnd.run();
    if (flow.discardWaiting()) {
      drop(DropReason.SESSION_CLOSED);
    }
    // A session closed while draining (by its client, or idle) has nothing left to finish.
    if (drained != null) {
      drained.tryComplete();
    }
  }
}

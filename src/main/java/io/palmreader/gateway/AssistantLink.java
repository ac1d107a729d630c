package io.palmreader.gateway;

import io.palmreader.assistant.AssistantAddresses;
import io.palmreader.assistant.AssistantRequest;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ServerMessages;
import io.palmreader.session.SharedLimits;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A session's side of the assistant: turns questions and gestures into requests (a gesture at most once per
 * cooldown), keeps the recent gesture timeline and the latest frame for them, relays the streamed answer from the
 * session's event bus address to the client, and stops the running answer on {@code stop}, a new trigger, or the
 * session's end. The answer may be computed on any node.
 */
final class AssistantLink {

  private static final int TIMELINE = 8;
  private static final int MAX_QUESTION_CHARS = 2000;

  private final String sessionId;
  private final String address;
  private final SharedLimits limits;
  private String conversationId;
  private final Vertx vertx;
  private final GatewayConfig config;
  private final Consumer<JsonObject> client;
  private final Deque<JsonObject> timeline = new ArrayDeque<>();
  private MessageConsumer<JsonObject> answers;
  private boolean enabled;
  private boolean attachFrame;
  private long lastGestureTriggerMs = Long.MIN_VALUE / 2;
  private Buffer latestFrame;

  AssistantLink(String sessionId, String address, SharedLimits limits, Vertx vertx, GatewayConfig config,
                Consumer<JsonObject> client) {
    this.sessionId = sessionId;
    this.address = address;
    this.limits = limits;
    this.conversationId = sessionId;
    this.vertx = vertx;
    this.config = config;
    this.client = client;
    this.enabled = config.assistantEnabled();
    this.attachFrame = config.attachFrame();
  }

  void start() {
    answers = vertx.eventBus().consumer(AssistantAddresses.session(sessionId), m -> client.accept(m.body()));
    sendStatus();
  }

  /** Tells the client whether answers can come, and from which model. */
  void sendStatus() {
    vertx.eventBus().<JsonObject>request(AssistantAddresses.STATUS, null, new DeliveryOptions().setSendTimeout(3000))
        .onComplete(ar -> client.accept(ar.succeeded()
            ? ar.result().body().copy().put("type", "assistant").put("enabled", enabled)
            : new JsonObject().put("type", "assistant").put("enabled", enabled).put("available", false)
                .put("lastError", "no assistant is running")));
  }

  /** Applies {@code hello}'s {@code assistant} and {@code attachFrame} fields; returns an error text or null. */
  String configure(JsonObject hello) {
    Object on = hello.getValue("assistant");
    Object frame = hello.getValue("attachFrame");
    if (on != null && !(on instanceof Boolean) || frame != null && !(frame instanceof Boolean)) {
      return "assistant and attachFrame must be true or false";
    }
    if (on != null) {
      enabled = (Boolean) on;
    }
    if (frame != null) {
      attachFrame = (Boolean) frame;
    }
    return null;
  }

  /** Continues an earlier session's conversation (after a resume). */
  void continueConversation(String id) {
    conversationId = id;
  }

  String conversationId() {
    return conversationId;
  }

  boolean enabled() {
    return enabled;
  }

  boolean attachFrame() {
    return attachFrame;
  }

  void onFrame(Buffer image) {
    latestFrame = image;
  }

  /** A held or moving gesture was announced: remember it, and ask about it unless one was asked about lately. */
  void onGesture(String name, String hand, long nowMs) {
    timeline.addLast(new JsonObject().put("name", name).put("hand", hand).put("at", nowMs));
    while (timeline.size() > TIMELINE) {
      timeline.removeFirst();
    }
    if (enabled && nowMs - lastGestureTriggerMs >= config.gestureCooldownMs()) {
      lastGestureTriggerMs = nowMs;
      request(new JsonObject().put("type", "gesture").put("name", name).put("hand", hand), null);
    }
  }

  void onAsk(JsonObject ask) {
    Object text = ask.getValue("text");
    if (!(text instanceof String question) || question.isBlank() || question.length() > MAX_QUESTION_CHARS) {
      client.accept(ServerMessages.error(ErrorCode.BAD_MESSAGE, "ask needs a 'text' of 1 to " + MAX_QUESTION_CHARS
          + " characters", false));
      return;
    }
    if (!enabled) {
      client.accept(ServerMessages.error(ErrorCode.BAD_MESSAGE, "the assistant is off for this session "
          + "(hello with \"assistant\": true turns it on)", false));
      return;
    }
    limits.ask(sessionId, address).onSuccess(retryAfterMs -> {
      if (retryAfterMs > 0) {
        client.accept(ServerMessages.error(ErrorCode.RATE_LIMITED, "too many questions; try again in "
            + (retryAfterMs + 999) / 1000 + " s", false).put("retryAfterMs", retryAfterMs));
      } else {
        request(new JsonObject().put("type", "question"), question);
      }
    });
  }

  private void request(JsonObject trigger, String question) {
    String image = attachFrame && latestFrame != null ? Base64.getEncoder().encodeToString(latestFrame.getBytes()) : null;
    AssistantRequest request = new AssistantRequest(sessionId, conversationId, UUID.randomUUID().toString(), trigger,
        question,
        new JsonArray(new java.util.ArrayList<>(timeline)), image);
    // The cancel and the request may reach another node in either order: the new answer is named as the one to keep.
    stop(request.answerId());
    vertx.eventBus().request(AssistantAddresses.REQUESTS, request.toJson(), new DeliveryOptions().setSendTimeout(1000))
        // The assistant acknowledges at once; its own failures come back as ai_error on the session address.
        .onFailure(e -> client.accept(new JsonObject().put("type", "ai_error").put("answerId", request.answerId())
            .put("code", ErrorCode.ASSISTANT_UNAVAILABLE.wire()).put("message", "no assistant is running: "
                + e.getMessage()).put("partial", "")));
  }

  /** Stops this session's running answer, wherever it runs. */
  void stop() {
    stop(null);
  }

  private void stop(String keepAnswerId) {
    vertx.eventBus().publish(AssistantAddresses.CANCEL, new JsonObject().put("sessionId", sessionId)
        .put("keep", keepAnswerId));
  }

  void close() {
    stop();
    if (answers != null) {
      answers.unregister();
    }
  }
}

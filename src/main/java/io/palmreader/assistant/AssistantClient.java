package io.palmreader.assistant;

import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ServerMessages;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One session's way to the assistant, which may run on any node: turns questions and gestures into requests (a
 * gesture at most once per cooldown), keeps the recent gesture timeline and the latest frame for them, hands the
 * answer's events from the session's event bus address to the session as {@link AssistantEvent}s, and stops the
 * running answer on {@code stop}, a new trigger, or the session's end.
 */
public final class AssistantClient {

  private static final int TIMELINE = 8;
  private static final long STATUS_TIMEOUT_MS = 3000;
  private static final long REQUEST_TIMEOUT_MS = 1000;

  private final Vertx vertx;
  private final String sessionId;
  private final long gestureCooldownMs;
  private final Consumer<AssistantEvent> events;
  private final Deque<JsonObject> timeline = new ArrayDeque<>();
  private String conversationId;
  private MessageConsumer<JsonObject> answers;
  private boolean enabled;
  private boolean attachFrame;
  private long lastGestureTriggerMs = Long.MIN_VALUE / 2;
  private Buffer latestFrame;

  /**
   * @param config the node's assistant settings: whether sessions start with it on, with frames attached, and the
   *               gesture cooldown
   * @param events where the session hears answers and status
   */
  public AssistantClient(Vertx vertx, String sessionId, AssistantConfig config, Consumer<AssistantEvent> events) {
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.conversationId = sessionId;
    this.gestureCooldownMs = config.gestureCooldownMs();
    this.events = events;
    this.enabled = config.enabled();
    this.attachFrame = config.attachFrame();
  }

  /** Starts hearing this session's answers and tells the session whether the assistant is there. */
  public void start() {
    answers = vertx.eventBus().consumer(AssistantAddresses.session(sessionId),
        m -> events.accept(AssistantEvent.fromJson(m.body())));
    health(vertx).onSuccess(h -> events.accept(new AssistantEvent.Status(enabled, h.available(), h.model(),
        h.breaker())));
  }

  /** The assistant's state, from whichever node answers; {@link AssistantHealth#absent()} when none does. */
  public static io.vertx.core.Future<AssistantHealth> health(Vertx vertx) {
    return vertx.eventBus().<JsonObject>request(AssistantAddresses.STATUS, null,
            new DeliveryOptions().setSendTimeout(STATUS_TIMEOUT_MS))
        .map(reply -> AssistantHealth.fromJson(reply.body()))
        .otherwise(e -> AssistantHealth.absent());
  }

  public boolean enabled() {
    return enabled;
  }

  public boolean attachFrame() {
    return attachFrame;
  }

  /** Turns the assistant and attached frames on or off for this session; null leaves a setting as it is. */
  public void configure(Boolean on, Boolean withFrame) {
    if (on != null) {
      enabled = on;
    }
    if (withFrame != null) {
      attachFrame = withFrame;
    }
  }

  /** Continues an earlier session's conversation (after a resume). */
  public void continueConversation(String id) {
    conversationId = id;
  }

  public String conversationId() {
    return conversationId;
  }

  /** The latest frame, sent with the next prompt when frames are attached. */
  public void onFrame(Buffer image) {
    latestFrame = image;
  }

  /** A held or moving gesture was announced: remember it, and ask about it unless one was asked about lately. */
  public void onGesture(String name, String hand, long nowMs) {
    timeline.addLast(new JsonObject().put("name", name).put("hand", hand).put("at", nowMs));
    while (timeline.size() > TIMELINE) {
      timeline.removeFirst();
    }
    if (enabled && nowMs - lastGestureTriggerMs >= gestureCooldownMs) {
      lastGestureTriggerMs = nowMs;
      request(ServerMessages.gestureTrigger(name, hand), null);
    }
  }

  /** Asks a question (already checked and counted against the session's limits). */
  public void ask(String question) {
    request(ServerMessages.questionTrigger(), question);
  }

  private void request(JsonObject trigger, String question) {
    String image = attachFrame && latestFrame != null ? Base64.getEncoder().encodeToString(latestFrame.getBytes()) : null;
    AssistantRequest request = new AssistantRequest(sessionId, conversationId, UUID.randomUUID().toString(), trigger,
        question, new JsonArray(new ArrayList<>(timeline)), image);
    // The cancel and the request may reach another node in either order: the new answer is named as the one to keep.
    stop(request.answerId());
    vertx.eventBus().request(AssistantAddresses.REQUESTS, request.toJson(),
            new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS))
        // The assistant acknowledges at once; its own failures come back as events on the session address.
        .onFailure(e -> events.accept(new AssistantEvent.Failed(request.answerId(), ErrorCode.ASSISTANT_UNAVAILABLE,
            "no assistant is running", "")));
  }

  /** Stops this session's running answer, wherever it runs. */
  public void stop() {
    stop(null);
  }

  private void stop(String keepAnswerId) {
    vertx.eventBus().publish(AssistantAddresses.CANCEL, new JsonObject().put("sessionId", sessionId)
        .put("keep", keepAnswerId));
  }

  /** Stops the running answer and stops hearing answers: the session is over. */
  public void close() {
    stop();
    if (answers != null) {
      answers.unregister();
    }
  }
}

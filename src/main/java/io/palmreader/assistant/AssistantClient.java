package io.palmreader.assistant;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.palmreader.observability.Tracing;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ServerMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
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
 * gesture at most once per cooldown), keeps the recent gesture timeline (and, when frames go with prompts, the latest
 * frame), hands the answer's events from the session's event bus address to the session as {@link AssistantEvent}s,
 * and stops the running answer on {@code stop}, a new trigger, or the session's end, through the node that runs it.
 * A session may turn off what the node turns on (the assistant, attached frames), never the other way round.
 */
public final class AssistantClient {

    private static final int TIMELINE = 8;
    private static final long STATUS_TIMEOUT_MS = 3000;
    private static final long REQUEST_TIMEOUT_MS = 1000;

    private final Vertx vertx;
    private final String sessionId;
    private final String subject;
    private final boolean nodeEnabled;
    private final boolean nodeAttachFrame;
    private final long gestureCooldownMs;
    private final Consumer<AssistantEvent> events;
    private final Deque<JsonObject> timeline = new ArrayDeque<>();
    private String conversationId;
    private MessageConsumer<JsonObject> answers;
    private boolean enabled;
    private boolean attachFrame;
    private long lastGestureTriggerMs = Long.MIN_VALUE / 2;
    private Buffer latestFrame;
    /** The running answer and the address that cancels it, once its node has acknowledged it. */
    private String runningAnswerId;

    private String runningCancel;
    private boolean stopWhenAcknowledged;

    /**
     * @param config the node's assistant settings: whether sessions start with it on, with frames attached, and the
     *               gesture cooldown
     * @param subject the user's token subject with authentication on, else null
     * @param events where the session hears answers and status
     */
    public AssistantClient(
            Vertx vertx, String sessionId, String subject, AssistantConfig config, Consumer<AssistantEvent> events) {
        this.vertx = vertx;
        this.sessionId = sessionId;
        this.subject = subject;
        this.nodeEnabled = config.enabled();
        this.nodeAttachFrame = config.attachFrame();
        this.conversationId = sessionId;
        this.gestureCooldownMs = config.gestureCooldownMs();
        this.events = events;
        this.enabled = config.enabled();
        this.attachFrame = config.attachFrame();
    }

    /** Starts hearing this session's answers and tells the session whether the assistant is there. */
    public void start() {
        answers = vertx.eventBus()
                .consumer(AssistantAddresses.session(sessionId), m -> events.accept(AssistantEvent.fromJson(m.body())));
        health(vertx)
                .onSuccess(
                        h -> events.accept(new AssistantEvent.Status(enabled, h.available(), h.model(), h.breaker())));
    }

    /** The assistant's state, from whichever node answers; {@link AssistantHealth#absent()} when none does. */
    public static io.vertx.core.Future<AssistantHealth> health(Vertx vertx) {
        return vertx.eventBus()
                .<JsonObject>request(
                        AssistantAddresses.STATUS, null, new DeliveryOptions().setSendTimeout(STATUS_TIMEOUT_MS))
                .map(reply -> AssistantHealth.fromJson(reply.body()))
                .otherwise(e -> AssistantHealth.absent());
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean attachFrame() {
        return attachFrame;
    }

    /**
     * Turns the assistant and attached frames on or off for this session (null leaves a setting as it is); what the
     * node has off stays off.
     */
    public void configure(Boolean on, Boolean withFrame) {
        if (on != null) {
            enabled = on && nodeEnabled;
        }
        if (withFrame != null) {
            attachFrame = withFrame && nodeAttachFrame;
        }
        if (!attachFrame) {
            latestFrame = null;
        }
    }

    /** Continues an earlier session's conversation (after a resume). */
    public void continueConversation(String id) {
        conversationId = id;
    }

    public String conversationId() {
        return conversationId;
    }

    /** The latest frame, kept only while frames go with prompts (a session holds no frame it will not send). */
    public void onFrame(Buffer image) {
        if (attachFrame && enabled) {
            latestFrame = image;
        }
    }

    /**
     * A held or moving gesture was announced: remember it; true when it is time to ask about it (the assistant is on
     * and no gesture was asked about within the cooldown), which the session does through its question limits.
     */
    public boolean onGesture(String name, String hand, long nowMs) {
        timeline.addLast(new JsonObject().put("name", name).put("hand", hand).put("at", nowMs));
        while (timeline.size() > TIMELINE) {
            timeline.removeFirst();
        }
        if (enabled && nowMs - lastGestureTriggerMs >= gestureCooldownMs) {
            lastGestureTriggerMs = nowMs;
            return true;
        }
        return false;
    }

    /** Asks about a gesture (already counted against the session's question limits). */
    public void askAbout(String gesture, String hand) {
        request(ServerMessages.gestureTrigger(gesture, hand), null);
    }

    /** Asks a question (already checked and counted against the session's limits). */
    public void ask(String question) {
        request(ServerMessages.questionTrigger(), question);
    }

    private void request(JsonObject trigger, String question) {
        String image =
                attachFrame && latestFrame != null ? Base64.getEncoder().encodeToString(latestFrame.getBytes()) : null;
        AssistantRequest request = new AssistantRequest(
                sessionId,
                conversationId,
                UUID.randomUUID().toString(),
                trigger,
                question,
                new JsonArray(new ArrayList<>(timeline)),
                image,
                subject);
        // The previous answer, if any, stops; the assistant also replaces a session's running answer by itself, so a
        // cancel that arrives late names the new answer as the one to keep.
        cancel(request.answerId());
        runningAnswerId = request.answerId();
        runningCancel = null;
        stopWhenAcknowledged = false;
        // With tracing on, the trigger is a span (its kind only: never the question) that the event bus carries to the
        // assistant, on whatever node, whose answer and call to the LLM server join its trace.
        Span span = Tracing.tracer(vertx)
                .spanBuilder("ask")
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("palmreader.trigger", trigger.getString("type"))
                .startSpan();
        Future<Message<JsonObject>> sent;
        try (Scope current = Tracing.current(span)) {
            sent = vertx.eventBus()
                    .request(
                            AssistantAddresses.REQUESTS,
                            request.toJson(),
                            new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS));
        }
        sent.onComplete(ar -> span.end())
                .onSuccess(ack -> acknowledged(request.answerId(), ack.body().getString("cancel")))
                // The assistant acknowledges at once; its own failures come back as events on the session address.
                .onFailure(e -> events.accept(new AssistantEvent.Failed(
                        request.answerId(),
                        ErrorCode.ASSISTANT_UNAVAILABLE,
                        "the assistant is unavailable; try again later",
                        "")));
    }

    private void acknowledged(String answerId, String cancelAddress) {
        if (!answerId.equals(runningAnswerId)) {
            return; // a newer answer has been asked for since
        }
        runningCancel = cancelAddress;
        if (stopWhenAcknowledged) {
            stop();
        }
    }

    /** Stops this session's running answer, on the node that runs it. */
    public void stop() {
        if (runningCancel == null) {
            stopWhenAcknowledged = runningAnswerId != null;
            return;
        }
        cancel(null);
        runningAnswerId = null;
    }

    /** Sends a cancel to the running answer's node, keeping {@code keepAnswerId} if that is what runs there. */
    private void cancel(String keepAnswerId) {
        if (runningCancel != null) {
            vertx.eventBus()
                    .send(
                            runningCancel,
                            new JsonObject().put("sessionId", sessionId).put("keep", keepAnswerId));
        }
    }

    /** Stops the running answer and stops hearing answers: the session is over. */
    public void close() {
        stop();
        if (answers != null) {
            answers.unregister();
        }
    }
}

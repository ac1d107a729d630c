package io.palmreader.assistant;

import io.palmreader.config.Settings;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.store.KeyValueStore;
import io.palmreader.store.NodeStore;
import io.palmreader.store.StoreConfig;
import io.palmreader.store.StoreKeys;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The assistant, on an event loop: takes requests from {@value AssistantAddresses#REQUESTS}, streams the LLM server's answer
 * to the session's address token by token ({@link AnswerStream}), keeps each session's conversation, and stops an
 * answer when the session asks, starts another one or goes away. The server is called through {@link ChatClient}'s
 * circuit breaker, whose state is reported on {@value AssistantAddresses#STATUS}.
 */
public final class AssistantVerticle extends VerticleBase {

    private AssistantConfig config;
    private String nodeId;
    private ChatClient llm;
    private PalmreaderMetrics metrics;
    private KeyValueStore store;
    private AnswerRecords records;
    /** Each session's running answer, from its first call to the LLM server: one per session. */
    private final Map<String, RunningAnswer> running = new HashMap<>();

    @Override
    public Future<?> start() {
        Settings settings = new Settings(config());
        config = AssistantConfig.from(settings);
        nodeId = config().getString("nodeId", "local");
        metrics = PalmreaderMetrics.get();
        store = NodeStore.of(vertx, StoreConfig.from(settings));
        llm = new ChatClient(vertx, config, metrics.breakerState());
        records = new AnswerRecords(vertx, config, store, metrics);
        llm.announce();
        return Future.all(
                vertx.eventBus()
                        .<JsonObject>consumer(AssistantAddresses.REQUESTS, this::onRequest)
                        .completion(),
                vertx.eventBus()
                        .<JsonObject>consumer(
                                AssistantAddresses.cancel(nodeId),
                                m -> stop(
                                        m.body().getString("sessionId"),
                                        m.body().getString("keep")))
                        .completion(),
                vertx.eventBus()
                        .consumer(
                                AssistantAddresses.STATUS,
                                m -> llm.health(records.lastError()).onSuccess(health -> m.reply(health.toJson())))
                        .completion());
    }

    private void onRequest(Message<JsonObject> message) {
        AssistantRequest request = AssistantRequest.fromJson(message.body());
        AnswerSpan span = AnswerSpan.start(vertx, config);
        // The session stops this answer through this node's own address: a cancel goes to one node, not to every one.
        message.reply(
                new JsonObject().put("answerId", request.answerId()).put("cancel", AssistantAddresses.cancel(nodeId)));
        span.resume();
        stop(request.sessionId(), null); // one answer per session: a new trigger replaces the running one
        Future<String> image = ImageFit.offLoop(vertx, request.image(), config.maxImagePixels());
        // The conversation so far (without the store the answer goes ahead without it); the frame, fitted off the loop.
        store.tail(StoreKeys.history(request.conversationId()), config.historyMessages())
                .otherwise(List.of())
                .onComplete(ar -> image.onComplete(fit -> begin(
                        request.withImage(fit.result()),
                        ar.result().stream().map(JsonObject::new).toList(),
                        span)));
    }

    private void begin(AssistantRequest request, List<JsonObject> past, AnswerSpan span) {
        RunningAnswer answer = new RunningAnswer(
                new AnswerStream(
                        config,
                        nodeId,
                        request,
                        past,
                        System.currentTimeMillis(),
                        System::nanoTime,
                        metrics::timeToFirstToken,
                        metrics::timeToFirstThought),
                span);
        String cacheKey = answer.stream.cacheKey();
        Future<String> cached = cacheKey == null
                ? Future.succeededFuture()
                : store.get(cacheKey).otherwise((String) null);
        cached.onComplete(hit -> {
            if (hit.result() != null) {
                finish(answer, answer.stream.cached(hit.result()));
                return;
            }
            ChatCall.Sink sink = new ChatCall.Sink(
                    text -> onDelta(answer, text),
                    text -> answer.stream.thought(text).ifPresent(event -> answer.send(vertx.eventBus(), event)));
            llm.chat(answer.stream.chatBody(), sink, chat -> {
                        answer.chat = chat;
                        running.put(request.sessionId(), answer);
                    })
                    .onSuccess(chat -> chat.finished()
                            .onComplete(ar -> finish(
                                    answer,
                                    chat.cancelled()
                                            ? answer.stream.stopped()
                                            : ar.succeeded()
                                                    ? answer.stream.completed(
                                                            ar.result().tokens(),
                                                            ar.result().tokensPerSecond())
                                                    : answer.stream.failed(ar.cause()))))
                    .onFailure(e -> finish(
                            answer,
                            e instanceof OpenCircuitException ? answer.stream.paused() : answer.stream.failed(e)));
        });
    }

    private void onDelta(RunningAnswer answer, String text) {
        AnswerStream.Piece piece = answer.stream.delta(text);
        if (piece.send() != null) {
            answer.send(vertx.eventBus(), piece.send());
        }
        if (piece.stopGenerating()) {
            answer.chat.cancel();
        }
    }

    /** Keeps what the answer's end leaves behind, then tells the session. */
    private void finish(RunningAnswer answer, AnswerStream.End end) {
        running.remove(answer.stream.request().sessionId(), answer);
        records.keep(answer.stream.request(), answer.stream.cacheKey(), end);
        answer.span.end(end);
        end.events().forEach(event -> answer.send(vertx.eventBus(), event));
    }

    /** Stops the session's running answer unless it is {@code keepAnswerId} (a late cancel); null keeps none. */
    private void stop(String sessionId, String keepAnswerId) {
        RunningAnswer answer = running.get(sessionId);
        if (answer != null && !answer.stream.request().answerId().equals(keepAnswerId)) {
            running.remove(sessionId).chat.cancel();
        }
    }
}

package io.palmreader.assistant;

import io.palmreader.observability.RecentResult;
import io.palmreader.protocol.ErrorCode;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ollama behind a circuit breaker, so that a dead server is not hammered: starts chats, retrying a busy server
 * ({@code ollama.busyRetries}) through the breaker's own retry policy, and probes Ollama's version for health.
 */
final class ChatClient {

    private static final Logger LOG = LoggerFactory.getLogger(ChatClient.class);

    /** The first retry of a busy Ollama waits up to twice this, each further one up to twice as long again. */
    static final long BUSY_BACKOFF_MS = 250;
    /** No retry waits longer than this. */
    static final long MAX_BACKOFF_MS = 10_000;

    private final AssistantConfig config;
    private final HttpClient http;
    private final CircuitBreaker breaker;
    /**
     * Whether the server lists the model, as last probed: every session that opens asks for the assistant's status, and so does each
     * health check; they share one probe per {@value RecentResult#TTL_MS} ms, so a flood of connections is no flood of
     * requests to Ollama.
     */
    private final RecentResult<Boolean> listed = new RecentResult<>(this::probe);

    /** @param breakerGauge set to the breaker's state on each change: 0 closed, 1 half open, 2 open */
    ChatClient(Vertx vertx, AssistantConfig config, AtomicInteger breakerGauge) {
        this.config = config;
        this.http = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
        Consumer<CircuitBreakerState> onState = state -> {
            breakerGauge.set(state == CircuitBreakerState.CLOSED ? 0 : state == CircuitBreakerState.HALF_OPEN ? 1 : 2);
            LOG.info("assistant: circuit breaker for the LLM server is {}", state);
        };
        this.breaker = breaker(vertx, config)
                .openHandler(v -> onState.accept(CircuitBreakerState.OPEN))
                .halfOpenHandler(v -> onState.accept(CircuitBreakerState.HALF_OPEN))
                .closeHandler(v -> onState.accept(CircuitBreakerState.CLOSED));
    }

    /** The breaker: {@code ollama.breakerFailures} failures open it for {@code ollama.breakerResetMs}. */
    static CircuitBreaker breaker(Vertx vertx, AssistantConfig config) {
        return CircuitBreaker.create(
                        "ollama",
                        vertx,
                        new CircuitBreakerOptions()
                                .setMaxFailures(config.breakerFailures())
                                .setResetTimeout(config.breakerResetMs())
                                .setTimeout(-1)
                                .setMaxRetries(config.busyRetries()))
                .retryPolicy(retryPolicy());
    }

    /**
     * Waits before retrying a busy Ollama: exponential back-off with full jitter (on average 250 ms, 500 ms, 1 s …, at
     * most {@value #MAX_BACKOFF_MS} ms), so that the sessions that found Ollama busy together do not all come back at
     * once. Any other failure is final: {@link #chat} answers the breaker's retry with it at once, without waiting.
     */
    static RetryPolicy retryPolicy() {
        RetryPolicy backoff = RetryPolicy.exponentialDelayWithJitter(BUSY_BACKOFF_MS, MAX_BACKOFF_MS);
        return (failure, retry) -> {
            if (!busy(failure)) {
                return 0;
            }
            // A server that says when to come back (429/503 with Retry-After) is taken at its word, within bounds.
            long asked = ((AssistantFailure) failure).retryAfterMs();
            return asked > 0 ? Math.min(asked, Statuses.MAX_RETRY_AFTER_MS) : backoff.delay(failure, retry);
        };
    }

    private static boolean busy(Throwable failure) {
        return failure instanceof AssistantFailure f && f.code() == ErrorCode.ASSISTANT_BUSY;
    }

    /** Logs whether the server answers and has the model: the first things an operator wants to know of it. */
    void announce() {
        listed.get().onComplete(ar -> {
            if (ar.succeeded()) {
                LOG.info(
                        "assistant: {} server at {}, model {} {}",
                        config.provider().wire(),
                        config.baseUrl(),
                        config.model(),
                        ar.result() ? "(listed)" : "(NOT listed by the server: answers fail with model_not_found)");
            } else {
                LOG.warn(
                        "assistant: the LLM server is not reachable at {} ({}); gestures still work, answers fail with "
                                + "assistant_unavailable until it is",
                        config.baseUrl(),
                        ar.cause().getMessage());
            }
        });
    }

    /**
     * Whether answers can come now (Ollama answers and the breaker is not open), with Ollama probed at most once per
     * {@value RecentResult#TTL_MS} ms; {@code lastError} is the last answer's failure, reported while Ollama answers.
     */
    Future<AssistantHealth> health(String lastError) {
        return listed.get()
                .transform(ar -> Future.succeededFuture(new AssistantHealth(
                        ar.succeeded() && breaker.state() != CircuitBreakerState.OPEN,
                        ar.succeeded(),
                        config.provider().wire(),
                        config.model(),
                        ar.succeeded() ? ar.result() : null,
                        config.baseUrl().toString(),
                        breaker.state().name(),
                        ar.succeeded() ? lastError : ar.cause().getMessage())));
    }

    /** Whether the server lists the model ({@code GET /api/tags} of Ollama, {@code /models} of the others). */
    private Future<Boolean> probe() {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(config.baseUrl() + config.provider().protocol().probePath())
                .setConnectTimeout(1000)
                .setIdleTimeout(2000);
        if (config.apiKey() != null) {
            options.putHeader("authorization", config.apiKey().bearer());
        }
        return http.request(options)
                .compose(req -> req.send()
                        .compose(resp -> resp.body().map(body -> {
                            if (resp.statusCode() != 200) {
                                throw new IllegalStateException("the server answered " + resp.statusCode());
                            }
                            return body;
                        })))
                .map(body -> config.provider().protocol().lists(body.toJsonObject(), config.model()));
    }

    /**
     * Starts a chat through the breaker. Succeeds with the chat once Ollama streams it, has refused it for a reason
     * that is not Ollama being unwell (an unknown model: the breaker counts it as a success, {@link ChatCall#finished()}
     * tells why), or it was cancelled; fails when Ollama stayed busy through every retry, is unwell, or the breaker is
     * open.
     *
     * @param onDelta   each piece of the answer's text
     * @param onAttempt each chat started, first and retries: the one to cancel to stop the answer
     */
    Future<ChatCall> chat(JsonObject body, Consumer<String> onDelta, Consumer<ChatCall> onAttempt) {
        return chat(body, new ChatCall.Sink(onDelta, thought -> {}), onAttempt);
    }

    /** As {@link #chat(JsonObject, Consumer, Consumer)}, with the reasoning's text going to the sink apart. */
    Future<ChatCall> chat(JsonObject body, ChatCall.Sink sink, Consumer<ChatCall> onAttempt) {
        return breaker.execute(new Attempts(body, sink, onAttempt));
    }

    /** The breaker's operation: each call is one attempt, the first or a retry. */
    private final class Attempts implements Supplier<Future<ChatCall>> {
        private final JsonObject body;
        private final ChatCall.Sink sink;
        private final Consumer<ChatCall> onAttempt;
        private ChatCall last;
        /** The outcome once no retry can change it; the breaker's remaining retries get it again. */
        private Future<ChatCall> settled;

        Attempts(JsonObject body, ChatCall.Sink sink, Consumer<ChatCall> onAttempt) {
            this.body = body;
            this.sink = sink;
            this.onAttempt = onAttempt;
        }

        @Override
        public Future<ChatCall> get() {
            if (settled == null && last != null && last.cancelled()) {
                // Stopped while waiting to retry: Ollama is not asked again, and the answer ends as stopped.
                settled = Future.succeededFuture(last);
            }
            if (settled != null) {
                return settled;
            }
            ChatCall chat = ChatCall.start(http, config, body, sink);
            last = chat;
            onAttempt.accept(chat);
            return chat.started().transform(ar -> {
                if (ar.succeeded() || chat.cancelled()) {
                    return Future.succeededFuture(chat);
                }
                AssistantFailure failure = (AssistantFailure) ar.cause();
                if (failure.code() == ErrorCode.ASSISTANT_BUSY) {
                    return Future.failedFuture(failure); // retried after the policy's back-off, while retries remain
                }
                // A bad request (unknown model) is not Ollama being unwell: the breaker counts it as a success.
                settled = failure.countsAgainstBreaker() ? Future.failedFuture(failure) : Future.succeededFuture(chat);
                return settled;
            });
        }
    }
}

package io.palmreader.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.config.Settings;
import io.palmreader.protocol.ErrorCode;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Ollama behind the circuit breaker: a busy server is retried with jittered back-off, nothing else is")
class ChatClientTest {

    private static final AssistantFailure BUSY = new AssistantFailure(ErrorCode.ASSISTANT_BUSY, "busy", true);

    private Vertx vertx;
    private FakeOllama ollama;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        ollama = FakeOllama.start(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private ChatClient client(int busyRetries, int breakerFailures) {
        AssistantConfig config = AssistantConfig.from(new Settings(new JsonObject()
                .put(
                        "ollama",
                        new JsonObject()
                                .put("url", ollama.url())
                                .put("busyRetries", busyRetries)
                                .put("breakerFailures", breakerFailures))));
        return new ChatClient(vertx, config, new AtomicInteger());
    }

    private static JsonObject body() {
        return new JsonObject()
                .put("model", "llama3.2:1b")
                .put("stream", true)
                .put(
                        "messages",
                        new io.vertx.core.json.JsonArray()
                                .add(new JsonObject().put("role", "user").put("content", "Hi")));
    }

    /** Runs {@code call} on an event loop, as the assistant does, and waits for its outcome. */
    private <T> AsyncResult<T> onEventLoop(Supplier<Future<T>> call) throws Exception {
        Promise<AsyncResult<T>> outcome = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(ar -> outcome.complete(ar)));
        return outcome.future().await(30, TimeUnit.SECONDS);
    }

    /** The breaker's state as the assistant's health tells it. */
    private String breaker(ChatClient client) throws Exception {
        return onEventLoop(() -> client.health(null)).result().breaker();
    }

    @Test
    @DisplayName("the retry policy waits a random time up to 2^n × 250 ms before retry n, at most 10 s, and not at all "
            + "after a failure that is not busy")
    void retryPolicyIsJitteredExponentialBackOff() {
        RetryPolicy policy = ChatClient.retryPolicy();
        for (int retry = 1; retry <= 10; retry++) {
            long bound = Math.min(ChatClient.MAX_BACKOFF_MS, ChatClient.BUSY_BACKOFF_MS << retry);
            Set<Long> delays = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                long delay = policy.delay(BUSY, retry);
                assertTrue(
                        delay >= 0 && delay < bound, "retry " + retry + " waited " + delay + " ms, not below " + bound);
                delays.add(delay);
            }
            // 200 draws from at least 500 values: all equal would be no jitter (the odds otherwise are nil).
            assertTrue(delays.size() > 1, "retry " + retry + " always waited " + delays);
        }
        assertEquals(0, policy.delay(new AssistantFailure(ErrorCode.ASSISTANT_UNAVAILABLE, "refused", true), 1));
        assertEquals(0, policy.delay(new IllegalStateException("other"), 2));
    }

    @Test
    @DisplayName("busy twice, then answering: three requests, the chat streams from the third")
    void busyIsRetried() throws Exception {
        ChatClient client = client(2, 10);
        ollama.busyFor.set(2);
        StringBuilder text = new StringBuilder();
        List<ChatCall> attempts = new ArrayList<>();
        AsyncResult<ChatCall.Stats> done = onEventLoop(
                () -> client.chat(body(), text::append, attempts::add).compose(ChatCall::finished));
        assertTrue(done.succeeded(), String.valueOf(done.cause()));
        assertEquals(3, ollama.requests.size());
        assertEquals(3, attempts.size(), "each attempt is a chat that can be stopped");
        assertEquals(String.join("", ollama.tokens), text.toString());
    }

    @Test
    @DisplayName("busy through every retry: assistant_busy, and the breaker counts one failure, not one per request")
    void busyBeyondTheRetriesIsOneFailure() throws Exception {
        ChatClient client = client(2, 2);
        ollama.busyFor.set(100);
        AsyncResult<ChatCall> first = onEventLoop(() -> client.chat(body(), t -> {}, c -> {}));
        assertEquals(ErrorCode.ASSISTANT_BUSY, ((AssistantFailure) first.cause()).code());
        assertEquals(3, ollama.requests.size());
        assertEquals("CLOSED", breaker(client), "three busy answers are one failed call");
        onEventLoop(() -> client.chat(body(), t -> {}, c -> {}));
        assertEquals("OPEN", breaker(client), "the second failed call opens it");
    }

    @Test
    @DisplayName("a server error is not retried: one request, assistant_error at once")
    void serverErrorIsNotRetried() throws Exception {
        ChatClient client = client(3, 10);
        ollama.failingFor.set(100);
        AsyncResult<ChatCall> result = onEventLoop(() -> client.chat(body(), t -> {}, c -> {}));
        assertEquals(ErrorCode.ASSISTANT_ERROR, ((AssistantFailure) result.cause()).code());
        assertEquals(1, ollama.requests.size());
    }

    @Test
    @DisplayName("an unknown model is not retried and not held against Ollama: the chat tells model_not_found")
    void unknownModelIsNotAFailureOfOllama() throws Exception {
        ChatClient client = client(3, 1);
        ollama.models.clear();
        AsyncResult<ChatCall.Stats> result =
                onEventLoop(() -> client.chat(body(), t -> {}, c -> {}).compose(ChatCall::finished));
        assertEquals(ErrorCode.MODEL_NOT_FOUND, ((AssistantFailure) result.cause()).code());
        assertEquals(1, ollama.requests.size());
        assertEquals("CLOSED", breaker(client), "one failure would have opened it");
    }

    @Test
    @DisplayName("a busy server's Retry-After is the wait before the retry, at most 10 s")
    void retryAfterIsHonoured() {
        RetryPolicy policy = ChatClient.retryPolicy();
        assertEquals(3000, policy.delay(new AssistantFailure(ErrorCode.ASSISTANT_BUSY, "429", true, 3000), 1));
        assertEquals(
                Statuses.MAX_RETRY_AFTER_MS,
                policy.delay(new AssistantFailure(ErrorCode.ASSISTANT_BUSY, "429", true, 120_000), 1));
        assertEquals(3000, Statuses.retryAfterMs(" 3 "));
        assertEquals(0, Statuses.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"));
    }

    @Test
    @DisplayName("an OpenAI-compatible server that is not there gives assistant_unavailable")
    void unreachableOpenAiServer() throws Exception {
        AssistantConfig config = AssistantConfig.from(new Settings(new JsonObject()
                .put("ollama", new JsonObject().put("busyRetries", 0))
                .put("assistant", new JsonObject().put("provider", "openai").put("baseUrl", "http://127.0.0.1:1/v1"))));
        ChatClient client = new ChatClient(vertx, config, new AtomicInteger());
        AsyncResult<ChatCall> result = onEventLoop(() -> client.chat(body(), t -> {}, c -> {}));
        assertEquals(ErrorCode.ASSISTANT_UNAVAILABLE, ((AssistantFailure) result.cause()).code());
    }
}

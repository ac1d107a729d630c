package io.palmreader.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("The assistant with assistant.provider=openai against a test OpenAI-compatible server, through a session")
class OpenAiAssistantTest {

    private static final String KEY = "sk-test-0123456789abcdef";
    /** A token a second: the client's stop comes after the first and long before the last. */
    private static final long SLOW_TOKEN_MS = 1000;

    private static final FakeOpenAi server = FakeOpenAi.onOwnVertx();

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
            .put("ollama", new JsonObject().put("busyRetries", 1).put("breakerFailures", 100))
            .put(
                    "assistant",
                    new JsonObject()
                            .put("provider", "openai")
                            .put("baseUrl", server.url())
                            .put("model", "test-model")
                            .put("apiKey", KEY)
                            .put("cacheTtlMs", 0)
                            .put("attachFrame", true)
                            .put("maxImagePixels", AssistantTest.IMAGE_PIXELS)));

    @AfterAll
    void closeServer() {
        server.close();
    }

    @BeforeEach
    void reset() {
        server.requests.clear();
        server.headers.clear();
        server.closedEarly.set(0);
        server.rateLimitedFor.set(0);
        server.unavailableFor.set(0);
        server.errorAfterTokens = -1;
        server.endAfterTokens = -1;
        server.tokenIntervalMs = 10;
        server.requiredKey = KEY;
        server.thoughts = List.of();
        server.models.add("test-model");
    }

    private SessionClient session() throws Exception {
        SessionClient s = SessionClient.connect(node.vertx(), node.port());
        s.next("welcome", 5000);
        JsonObject status = s.next("assistant", 5000);
        assertTrue(status.getBoolean("available"), status.encode());
        return s;
    }

    private static void ask(SessionClient s, String text) throws Exception {
        s.sendText(new JsonObject().put("type", "ask").put("text", text).encode());
    }

    /** One answer's {@code ai} messages up to and with the one that is done. */
    private static List<JsonObject> answer(SessionClient s) throws Exception {
        List<JsonObject> messages = new ArrayList<>();
        while (true) {
            JsonObject ai = s.next("ai", 10_000);
            messages.add(ai);
            if (ai.getBoolean("done")) {
                return messages;
            }
        }
    }

    private static String text(List<JsonObject> messages) {
        StringBuilder text = new StringBuilder();
        messages.forEach(m -> text.append(m.getString("delta")));
        return text.toString();
    }

    private void await(BooleanSupplier condition, String what) throws Exception {
        Eventually.await(node.vertx(), 10_000, what, condition::getAsBoolean);
    }

    @Test
    @DisplayName("an answer streams token by token from SSE events split across writes, with its usage in the stats")
    void streamsTokenByToken() throws Exception {
        try (SessionClient s = session()) {
            ask(s, "What do you see?");
            List<JsonObject> messages = answer(s);
            assertEquals(String.join("", server.tokens), text(messages));
            assertTrue(messages.size() >= server.tokens.size(), "one delta per token at least: " + messages);
            assertEquals(server.tokens.get(0), messages.get(0).getString("delta"));
            JsonObject stats = messages.get(messages.size() - 1).getJsonObject("stats");
            assertEquals(server.tokens.size(), stats.getInteger("tokens"));
            JsonObject body = server.requests.get(0);
            assertEquals(true, body.getBoolean("stream"));
            assertEquals("test-model", body.getString("model"));
            assertEquals(
                    "What do you see?",
                    body.getJsonArray("messages")
                            .getJsonObject(body.getJsonArray("messages").size() - 1)
                            .getString("content"));
        }
    }

    @Test
    @DisplayName(
            "the key goes only in the Authorization header: not in the body, any other header or any client message")
    void keyOnlyInAuthorization() throws Exception {
        try (SessionClient s = session()) {
            ask(s, "Hi");
            answer(s);
            server.requiredKey = "another key";
            ask(s, "Hi again");
            assertEquals("assistant_unauthorized", s.next("ai_error", 10_000).getString("code"));
            MultiMap headers = server.headers.get(0);
            assertEquals("Bearer " + KEY, headers.get("authorization"));
            for (Map.Entry<String, String> h : headers) {
                assertTrue(
                        h.getKey().equalsIgnoreCase("authorization")
                                || !h.getValue().contains(KEY),
                        h.toString());
            }
            server.requests.forEach(b -> assertFalse(b.encode().contains(KEY), b.encode()));
            assertFalse(s.texts().isEmpty());
            s.texts().forEach(t -> assertFalse(t.contains(KEY), t));
        }
    }

    @Test
    @DisplayName("a 401 from the server gives assistant_unauthorized with a generic message")
    void unauthorized() throws Exception {
        server.requiredKey = "another key";
        try (SessionClient s = session()) {
            ask(s, "Hi");
            JsonObject error = s.next("ai_error", 10_000);
            assertEquals("assistant_unauthorized", error.getString("code"));
            assertFalse(error.getString("message").contains("Incorrect API key"), error.getString("message"));
        }
    }

    @Test
    @DisplayName("stop closes the request to the server and ends the answer as stopped")
    void stopClosesTheRequest() throws Exception {
        server.tokenIntervalMs = SLOW_TOKEN_MS;
        try (SessionClient s = session()) {
            ask(s, "Tell me a long story");
            assertFalse(s.next("ai", 10_000).getBoolean("done"));
            s.sendText("{\"type\":\"stop\"}");
            List<JsonObject> rest = answer(s);
            assertTrue(rest.get(rest.size() - 1).getBoolean("stopped"));
            await(() -> server.closedEarly.get() == 1, "the server to see the connection closed");
        }
    }

    @Test
    @DisplayName("an unknown model (404 model_not_found) gives model_not_found")
    void unknownModel() throws Exception {
        server.models.clear();
        try (SessionClient s = session()) {
            ask(s, "Hi");
            assertEquals("model_not_found", s.next("ai_error", 10_000).getString("code"));
        }
    }

    @Test
    @DisplayName("429 is retried after its Retry-After; 429 or 503 beyond the retries give assistant_busy")
    void busy() throws Exception {
        try (SessionClient s = session()) {
            server.rateLimitedFor.set(1);
            ask(s, "Hi");
            assertEquals(String.join("", server.tokens), text(answer(s)));
            assertEquals(2, server.requests.size());
            server.rateLimitedFor.set(10);
            ask(s, "Hi again");
            assertEquals("assistant_busy", s.next("ai_error", 10_000).getString("code"));
            server.rateLimitedFor.set(0);
            server.unavailableFor.set(10);
            ask(s, "And again");
            assertEquals("assistant_busy", s.next("ai_error", 10_000).getString("code"));
        }
    }

    @Test
    @DisplayName("an error event mid-stream gives assistant_error and keeps the part that arrived")
    void errorMidStream() throws Exception {
        server.errorAfterTokens = 3;
        try (SessionClient s = session()) {
            ask(s, "Hi");
            JsonObject error = s.next("ai_error", 10_000);
            assertEquals("assistant_error", error.getString("code"));
            assertEquals(String.join("", server.tokens.subList(0, 3)), error.getString("partial"));
        }
    }

    @Test
    @DisplayName("a stream that ends without data: [DONE] gives assistant_error with the part that arrived")
    void endWithoutDone() throws Exception {
        server.endAfterTokens = 2;
        try (SessionClient s = session()) {
            ask(s, "Hi");
            JsonObject error = s.next("ai_error", 10_000);
            assertEquals("assistant_error", error.getString("code"));
            assertEquals(String.join("", server.tokens.subList(0, 2)), error.getString("partial"));
        }
    }

    @Test
    @DisplayName(
            "delta.reasoning_content and delta.reasoning never reach the answer, the client or the history by default")
    void reasoningHidden() throws Exception {
        try (SessionClient s = session()) {
            for (String field : List.of("reasoning_content", "reasoning")) {
                server.reasoningField = field;
                server.thoughts = List.of("The user waves.", " I should greet.");
                ask(s, "Hi");
                assertEquals(String.join("", server.tokens), text(answer(s)));
            }
            String history = server.requests.get(1).getJsonArray("messages").encode();
            assertFalse(history.contains("greet"), history);
            s.texts().forEach(t -> assertFalse(t.contains("greet"), t));
        } finally {
            server.reasoningField = "reasoning_content";
        }
    }

    @Test
    @DisplayName("with attachFrame the frame goes as a content part with an image_url data URL of a JPEG, scaled down")
    void imageAsDataUrl() throws Exception {
        try (SessionClient s = session()) {
            s.sendText("{\"type\":\"hello\",\"attachFrame\":true}");
            s.next("welcome", 5000);
            byte[] photo = GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg");
            s.sendFrame(1, photo);
            s.next("hands", 30_000);
            ask(s, "What is in my hand?");
            answer(s);
            JsonArray messages = server.requests.get(0).getJsonArray("messages");
            JsonArray content = messages.getJsonObject(messages.size() - 1).getJsonArray("content");
            assertEquals("text", content.getJsonObject(0).getString("type"));
            assertEquals("What is in my hand?", content.getJsonObject(0).getString("text"));
            assertEquals("image_url", content.getJsonObject(1).getString("type"));
            String url = content.getJsonObject(1).getJsonObject("image_url").getString("url");
            String prefix = "data:image/jpeg;base64,";
            assertTrue(url.startsWith(prefix), url.substring(0, 40));
            AssistantTest.assertFittedJpeg(photo, url.substring(prefix.length()), AssistantTest.IMAGE_PIXELS);
        }
    }

    @Test
    @DisplayName("/api/health/details names the provider and model, whether /v1/models lists it, and never the key")
    void healthDetails() throws Exception {
        JsonObject check = AssistantTest.assistantCheck(node.vertx(), node.port());
        JsonObject data = check.getJsonObject("data");
        assertEquals("openai", data.getString("provider"), data.encode());
        assertEquals("test-model", data.getString("model"));
        assertEquals(true, data.getBoolean("modelListed"), data.encode());
        assertFalse(check.encode().contains(KEY), check.encode());
    }
}

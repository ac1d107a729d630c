package io.palmreader.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.palmreader.vision.Frame;
import io.palmreader.vision.FrameDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
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
@DisplayName("The assistant against a test Ollama, through a real WebSocket session")
class AssistantTest {

    /** A token a second: an answer of seven takes seven seconds, the client's stop or close comes after the first. */
    private static final long SLOW_TOKEN_MS = 1000;
    /** Far below the test photo's size: a frame sent with a question is scaled down to this. */
    static final int IMAGE_PIXELS = 20_000;

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
                    .put(
                            "ollama",
                            new JsonObject()
                                    .put("busyRetries", 2)
                                    .put("breakerFailures", 100)
                                    .put("options", new JsonObject().put("temperature", 0.2)))
                    // No answer cache here: several tests ask the same words and must reach Ollama each time.
                    .put(
                            "assistant",
                            new JsonObject()
                                    .put("gestureCooldownMs", 60_000)
                                    .put("cacheTtlMs", 0)
                                    .put("attachFrame", true)
                                    .put("maxImagePixels", IMAGE_PIXELS)
                                    .put("keepAlive", "10m")
                                    .put("maxAnswerChars", 100))
                    .put("gesture", new JsonObject().put("holdFrames", 3).put("holdMs", 0)))
            .withOllama();

    private Vertx vertx;
    private FakeOllama ollama;
    private int port;

    @BeforeAll
    void clients() {
        vertx = node.vertx();
        ollama = node.ollama();
        port = node.port();
    }

    @BeforeEach
    void resetOllama() {
        ollama.requests.clear();
        ollama.closedEarly.set(0);
        ollama.busyFor.set(0);
        ollama.errorAfterTokens = -1;
        ollama.tokenIntervalMs = 20;
        ollama.thoughts = List.of();
        ollama.models.add("llama3.2:1b");
    }

    private SessionClient session() throws Exception {
        SessionClient s = SessionClient.connect(vertx, port);
        s.next("welcome", 5000);
        JsonObject status = s.next("assistant", 5000);
        assertTrue(status.getBoolean("available"), status.encode());
        return s;
    }

    private void await(BooleanSupplier condition, String what) throws Exception {
        Eventually.await(vertx, 10_000, what, condition::getAsBoolean);
    }

    /** Collects one answer's deltas up to its final message, checking order and ids. */
    private static String answer(SessionClient s, JsonObject[] last) throws Exception {
        StringBuilder text = new StringBuilder();
        String answerId = null;
        while (true) {
            JsonObject ai = s.next("ai", 10_000);
            if (answerId == null) {
                answerId = ai.getString("answerId");
            }
            assertEquals(answerId, ai.getString("answerId"));
            text.append(ai.getString("delta"));
            if (ai.getBoolean("done")) {
                last[0] = ai;
                return text.toString();
            }
        }
    }

    @Test
    @DisplayName(
            "a question streams deltas in order that make up the answer, then done with stats; options and history go to Ollama")
    void questionStreams() throws Exception {
        try (SessionClient s = session()) {
            s.sendText(new JsonObject()
                    .put("type", "ask")
                    .put("text", "What do you see?")
                    .encode());
            JsonObject[] done = new JsonObject[1];
            assertEquals(String.join("", ollama.tokens), answer(s, done));
            assertEquals("question", done[0].getJsonObject("trigger").getString("type"));
            assertEquals(ollama.tokens.size(), done[0].getJsonObject("stats").getInteger("tokens"));
            assertTrue(done[0].getJsonObject("stats").getDouble("ttftMs") > 0);
            JsonObject first = ollama.requests.get(0);
            assertEquals(true, first.getBoolean("stream"));
            assertEquals(0.2, first.getJsonObject("options").getDouble("temperature"));
            assertEquals("10m", first.getString("keep_alive"));
            JsonArray messages = first.getJsonArray("messages");
            assertEquals("system", messages.getJsonObject(0).getString("role"));
            assertTrue(messages.getJsonObject(messages.size() - 1)
                    .getString("content")
                    .endsWith("What do you see?"));

            s.sendText(
                    new JsonObject().put("type", "ask").put("text", "And now?").encode());
            answer(s, done);
            JsonArray second = ollama.requests.get(1).getJsonArray("messages");
            assertEquals(4, second.size(), "system, the first question and answer, the new question");
            assertEquals(String.join("", ollama.tokens), second.getJsonObject(2).getString("content"));
        }
    }

    @Test
    @DisplayName("an answer reaching assistant.maxAnswerChars is cut there, ends as truncated, and Ollama is stopped")
    void longAnswersAreCut() throws Exception {
        List<String> before = ollama.tokens;
        // Far more tokens than the cut takes: the stream is still going, seconds from its end, when the server cuts it.
        ollama.tokens = java.util.Collections.nCopies(1000, "word ");
        ollama.tokenIntervalMs = 5;
        try (SessionClient s = session()) {
            s.sendText(
                    new JsonObject().put("type", "ask").put("text", "Say a lot").encode());
            JsonObject[] done = new JsonObject[1];
            String text = answer(s, done);
            assertEquals("word ".repeat(20), text);
            assertTrue(done[0].getBoolean("truncated", false), done[0].encode());
            await(() -> ollama.closedEarly.get() == 1, "Ollama to see the connection closed");
        } finally {
            ollama.tokens = before;
        }
    }

    @Test
    @DisplayName("stop closes the request to Ollama and ends the answer as stopped")
    void stopClosesTheRequest() throws Exception {
        ollama.tokenIntervalMs = SLOW_TOKEN_MS;
        try (SessionClient s = session()) {
            s.sendText(new JsonObject()
                    .put("type", "ask")
                    .put("text", "Tell me a long story")
                    .encode());
            assertFalse(s.next("ai", 10_000).getBoolean("done"));
            s.sendText("{\"type\":\"stop\"}");
            JsonObject end = s.next("ai", 10_000);
            while (!end.getBoolean("done")) {
                end = s.next("ai", 10_000);
            }
            assertTrue(end.getBoolean("stopped"));
            await(() -> ollama.closedEarly.get() == 1, "Ollama to see the connection closed");
        }
    }

    @Test
    @DisplayName("a client that disconnects mid-answer closes the request to Ollama")
    void disconnectClosesTheRequest() throws Exception {
        ollama.tokenIntervalMs = SLOW_TOKEN_MS;
        SessionClient s = session();
        s.sendText(new JsonObject()
                .put("type", "ask")
                .put("text", "Tell me a long story")
                .encode());
        s.next("ai", 10_000);
        s.close();
        await(() -> ollama.closedEarly.get() == 1, "Ollama to see the connection closed");
    }

    @Test
    @DisplayName("a held gesture asks the assistant once per cooldown, with the gesture timeline in the prompt")
    void gestureTriggersOncePerCooldown() throws Exception {
        try (SessionClient s = session()) {
            for (int seq = 1; seq <= 4; seq++) {
                s.sendFrame(seq, GatewayTestAccess.photo("hands/victory/wasmedge_victory.jpg"));
                s.next("hands", 30_000);
            }
            assertEquals("Victory", s.next("gesture", 5000).getString("name"));
            JsonObject[] done = new JsonObject[1];
            answer(s, done);
            assertEquals("gesture", done[0].getJsonObject("trigger").getString("type"));
            assertEquals("Victory", done[0].getJsonObject("trigger").getString("name"));
            for (int seq = 5; seq <= 8; seq++) {
                s.sendFrame(seq, GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg"));
                s.next("hands", 30_000);
            }
            assertEquals("Thumb_Up", s.next("gesture", 5000).getString("name"));
            assertEquals(1, ollama.requests.size(), "the second gesture falls within the cooldown");
            String prompt = ollama.requests
                    .get(0)
                    .getJsonArray("messages")
                    .getJsonObject(1)
                    .getString("content");
            assertTrue(prompt.contains("Victory"), prompt);
        }
    }

    @Test
    @DisplayName("with attachFrame the latest frame goes to Ollama as raw base64 (no data: prefix), a JPEG of at most "
            + "assistant.maxImagePixels")
    void imageAttached() throws Exception {
        try (SessionClient s = session()) {
            s.sendText("{\"type\":\"hello\",\"attachFrame\":true}");
            s.next("welcome", 5000);
            byte[] photo = GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg");
            s.sendFrame(1, photo);
            s.next("hands", 30_000);
            s.sendText(new JsonObject()
                    .put("type", "ask")
                    .put("text", "What is in my hand?")
                    .encode());
            answer(s, new JsonObject[1]);
            JsonArray messages = ollama.requests.get(0).getJsonArray("messages");
            String image = messages.getJsonObject(messages.size() - 1)
                    .getJsonArray("images")
                    .getString(0);
            assertFittedJpeg(photo, image, IMAGE_PIXELS);
        }
    }

    @Test
    @DisplayName("an unknown model gives model_not_found telling how to install it")
    void unknownModel() throws Exception {
        ollama.models.clear();
        try (SessionClient s = SessionClient.connect(vertx, port)) {
            s.next("welcome", 5000);
            s.sendText(new JsonObject().put("type", "ask").put("text", "Hi").encode());
            JsonObject error = s.next("ai_error", 10_000);
            assertEquals("model_not_found", error.getString("code"));
            assertTrue(error.getString("message").contains("not installed"), error.getString("message"));
        }
    }

    @Test
    @DisplayName("a busy Ollama is retried with back-off; busy beyond the retries gives assistant_busy")
    void busy() throws Exception {
        try (SessionClient s = session()) {
            ollama.busyFor.set(2);
            s.sendText(new JsonObject().put("type", "ask").put("text", "Hi").encode());
            assertEquals(String.join("", ollama.tokens), answer(s, new JsonObject[1]));
            assertEquals(3, ollama.requests.size());
            ollama.busyFor.set(10);
            s.sendText(
                    new JsonObject().put("type", "ask").put("text", "Hi again").encode());
            assertEquals("assistant_busy", s.next("ai_error", 10_000).getString("code"));
        }
    }

    @Test
    @DisplayName("an error line mid-stream gives assistant_error and keeps the part that arrived")
    void midStreamError() throws Exception {
        ollama.errorAfterTokens = 3;
        try (SessionClient s = session()) {
            s.sendText(new JsonObject().put("type", "ask").put("text", "Hi").encode());
            JsonObject error = s.next("ai_error", 10_000);
            assertEquals("assistant_error", error.getString("code"));
            assertEquals(String.join("", ollama.tokens.subList(0, 3)), error.getString("partial"));
            // Ollama's own words stay in the log: the client gets the code and a plain message.
            assertEquals("the assistant failed to answer", error.getString("message"));
        }
    }

    @Test
    @DisplayName("/api/health reports the assistant UP with its model")
    void health() throws Exception {
        var http = vertx.createHttpClient();
        JsonObject health = http.request(io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/api/health")
                .compose(r -> r.send().compose(resp -> resp.body()))
                .map(b -> b.toJsonObject())
                .await(10, TimeUnit.SECONDS);
        assertEquals("UP", health.getString("status"), health.encode());
        List<String> ids = health.getJsonArray("checks").stream()
                .map(c -> ((JsonObject) c).getString("id"))
                .toList();
        assertTrue(ids.contains("assistant"), health.encode());
    }

    @Test
    @DisplayName("30 sessions opening, each told the assistant's status, reach Ollama at most twice per 2 s")
    void sessionFloodDoesNotReachOllama() throws Exception {
        int before = ollama.received();
        long start = System.nanoTime();
        List<SessionClient> sessions = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                sessions.add(session()); // each has had its welcome and its assistant status
            }
            long lasted = (System.nanoTime() - start) / 1_000_000;
            int requests = ollama.received() - before;
            // As for health requests: one probe per cached status the flood lasted through, one for the straddled edge.
            assertTrue(
                    requests <= 2 + lasted / 2000,
                    "Ollama received " + requests + " requests (" + ollama.requestsByPath
                            + ") for 30 sessions opened in " + lasted + " ms");
        } finally {
            sessions.forEach(SessionClient::close);
        }
    }

    @Test
    @DisplayName("a flood of 200 public health requests reaches Ollama at most twice: results are cached for 2 s")
    void healthFloodIsCached() throws Exception {
        var http = vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(8));
        int before = ollama.tagsRequests();
        long start = System.nanoTime();
        List<io.vertx.core.Future<Integer>> replies = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            replies.add(http.request(io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/api/health")
                    .compose(r -> r.send().map(resp -> resp.statusCode())));
        }
        io.vertx.core.Future.all(replies).await(30, TimeUnit.SECONDS);
        // One probe per cached result the flood lasted through, and one for the straddled edge: however fast or slow
        // the
        // machine, not one per request.
        long lasted = (System.nanoTime() - start) / 1_000_000;
        int probes = ollama.tagsRequests() - before;
        assertTrue(
                probes <= 2 + lasted / 2000,
                "Ollama probed " + probes + " times for 200 health requests in " + lasted + " ms");
    }

    @Test
    @DisplayName("a thinking model's message.thinking never reaches the answer, the client or the history by default")
    void thinkingHidden() throws Exception {
        ollama.thoughts = List.of("The user waves.", " I should greet.");
        try (SessionClient s = session()) {
            s.sendText(new JsonObject().put("type", "ask").put("text", "Hi").encode());
            assertEquals(String.join("", ollama.tokens), answer(s, new JsonObject[1]));
            assertFalse(ollama.requests.get(0).containsKey("think"), "think is asked for only to stream thoughts");
            s.sendText(new JsonObject().put("type", "ask").put("text", "Again").encode());
            answer(s, new JsonObject[1]);
            String history = ollama.requests.get(1).getJsonArray("messages").encode();
            assertFalse(history.contains("greet"), history);
            s.skipped().forEach(m -> assertFalse(m.encode().contains("greet"), m.encode()));
        }
    }

    /** {@code image} is base64 (nothing before it) of a JPEG of {@code photo}, scaled to at most {@code maxPixels}. */
    static void assertFittedJpeg(byte[] photo, String image, int maxPixels) {
        byte[] jpeg = Base64.getDecoder().decode(image);
        assertEquals(0xFF, jpeg[0] & 0xFF, "a JPEG");
        assertEquals(0xD8, jpeg[1] & 0xFF, "a JPEG");
        try (Frame original = new FrameDecoder().decode(photo);
                Frame sent = new FrameDecoder().decode(jpeg)) {
            assertTrue(original.width() * original.height() > maxPixels, "the photo is larger than the limit");
            assertTrue(sent.width() * sent.height() <= maxPixels, sent.width() + "x" + sent.height());
            assertTrue(sent.width() * sent.height() > maxPixels / 2, sent.width() + "x" + sent.height());
            double aspect = (double) original.width() / original.height();
            assertEquals(aspect, (double) sent.width() / sent.height(), 0.05 * aspect);
        }
    }

    /** The assistant check of {@code /api/health/details}. */
    static JsonObject assistantCheck(Vertx vertx, int port) throws Exception {
        return vertx.createHttpClient()
                .request(io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/api/health/details")
                .compose(r -> r.send().compose(resp -> resp.body()))
                .map(b -> b.toJsonObject().getJsonArray("checks").stream()
                        .map(c -> (JsonObject) c)
                        .filter(c -> "assistant".equals(c.getString("id")))
                        .findFirst()
                        .orElseThrow())
                .await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("/api/health/details names the provider and the model, and whether Ollama's /api/tags lists it")
    void healthDetailsSayWhetherTheModelIsListed() throws Exception {
        JsonObject data = assistantCheck(vertx, port).getJsonObject("data");
        assertEquals("ollama", data.getString("provider"), data.encode());
        assertEquals("llama3.2:1b", data.getString("model"));
        assertEquals(true, data.getBoolean("modelListed"), data.encode());
        ollama.models.clear();
        Eventually.await(
                vertx,
                10_000,
                "the next probe to find the model gone",
                () -> Boolean.FALSE.equals(
                        assistantCheck(vertx, port).getJsonObject("data").getBoolean("modelListed")));
    }
}

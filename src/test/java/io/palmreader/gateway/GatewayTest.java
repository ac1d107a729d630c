package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.protocol.ClientFrame;
import io.palmreader.protocol.ProtocolSchema;
import io.palmreader.testing.NodeExtension;
import io.palmreader.testing.ScrapedMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("The gateway and inference workers through a real WebSocket client")
class GatewayTest {

    static final String THUMB_UP = "hands/thumbs_up/mpsamples_hand_thumb_up.jpg";
    static final String VICTORY = "hands/victory/wasmedge_victory.jpg";
    static final int MAX_FRAME_BYTES = 300_000;
    private static final int HELD_FRAME_MS = 2000;

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
            .put("session", new JsonObject().put("maxFrameBytes", MAX_FRAME_BYTES))
            // Two workers: frames are load-balanced between them and both import their models at once.
            .put("inference", new JsonObject().put("workers", 2).put("opencvThreads", 1))
            .put("gesture", new JsonObject().put("holdFrames", 3).put("holdMs", 0))
            // The test checks which node answered: clients are told node names only with this on.
            .put("observability", new JsonObject().put("exposeNodeNames", true)));

    /**
     * A worker that holds each frame for {@value #HELD_FRAME_MS} ms (echo inference with a delay): frames sent one
     * after another arrive while the first is held, on any machine.
     */
    @RegisterExtension
    static final NodeExtension slowWorker = NodeExtension.node(new JsonObject()
            .put(
                    "inference",
                    new JsonObject()
                            .put("mode", "echo")
                            .put("echoDelayMs", HELD_FRAME_MS)
                            .put("workers", 1)));

    private Vertx vertx;
    private int port;
    private HttpClient http;
    private WebSocketClient sharedClient;

    static byte[] photo(String path) {
        try (InputStream in = GatewayTest.class.getClassLoader().getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    void clients() {
        vertx = node.vertx();
        port = node.port();
        http = vertx.createHttpClient();
    }

    private SessionClient connect() throws Exception {
        return connect(port);
    }

    private SessionClient connect(int port) throws Exception {
        SessionClient c = SessionClient.connect(vertx, port);
        JsonObject welcome = c.next("welcome", 5000);
        assertFalse(welcome.getString("sessionId").isBlank());
        return c;
    }

    @Test
    @DisplayName("a photo gives a 'hands' message with its gesture, 21 normalized landmarks, timings and the worker")
    void photoGivesHands() throws Exception {
        try (SessionClient c = connect()) {
            c.sendFrame(7, photo(THUMB_UP));
            JsonObject hands = c.next("hands", 30_000);
            assertEquals(7, hands.getLong("seq"));
            JsonArray list = hands.getJsonArray("hands");
            assertEquals(1, list.size());
            JsonObject hand = list.getJsonObject(0);
            assertEquals("Thumb_Up", hand.getString("gesture"));
            assertEquals(21, hand.getJsonArray("landmarks").size());
            for (Object p : hand.getJsonArray("landmarks")) {
                double x = ((JsonArray) p).getDouble(0);
                double y = ((JsonArray) p).getDouble(1);
                assertTrue(x >= 0 && x <= 1 && y >= 0 && y <= 1, "normalized landmark " + p);
            }
            assertTrue(hands.getJsonObject("timing").getDouble("serverMs") > 0);
            assertTrue(hands.getString("worker").matches(".*/cpu(-\\d+)?"), hands.getString("worker"));
            assertEquals(640, hands.getInteger("width"));
        }
    }

    @Test
    @DisplayName("one session sent unrelated photos one after another finds in each the hands MediaPipe finds")
    void unrelatedPhotosInOneSession() throws Exception {
        JsonObject reference = new JsonObject(new String(photo("hands/reference.json"))).getJsonObject("images");
        List<String> files = new ArrayList<>();
        for (String file : new java.util.TreeSet<>(reference.fieldNames())) {
            if (photo("hands/" + file).length <= MAX_FRAME_BYTES) { // this node's frame limit
                files.add(file);
            }
        }
        // Photos of one size back to back too, where the previous photo's tracking would apply.
        files.addAll(List.of(
                "pointing_up/hagrid_one_00b85ea4.jpg",
                "thumbs_down/hagrid_dislike_00c84257.jpg",
                "pointing_up/hagrid_one_0a0ef3d2.jpg",
                "thumbs_down/hagrid_dislike_00c84257.jpg"));
        try (SessionClient c = connect()) {
            long seq = 0;
            for (String file : files) {
                c.sendFrame(++seq, photo("hands/" + file));
                JsonObject hands = c.next("hands", 30_000);
                assertEquals(seq, hands.getLong("seq"));
                assertEquals(
                        reference
                                .getJsonObject(file)
                                .getJsonObject("complexity1")
                                .getInteger("numHands"),
                        hands.getJsonArray("hands").size(),
                        file + " after " + (seq - 1) + " other photos");
            }
        }
    }

    @Test
    @DisplayName("a gesture seen in enough answers in a row is announced once as a 'gesture' event")
    void stableGestureIsAnnounced() throws Exception {
        try (SessionClient c = connect()) {
            for (int seq = 1; seq <= 4; seq++) {
                c.sendFrame(seq, photo(VICTORY));
                c.next("hands", 30_000);
            }
            JsonObject gesture = c.next("gesture", 5000);
            assertEquals("Victory", gesture.getString("name"));
        }
    }

    @Test
    @DisplayName("garbage bytes give invalid_frame and the session carries on")
    void garbageIsInvalidFrame() throws Exception {
        try (SessionClient c = connect()) {
            byte[] garbage = new byte[5000];
            new Random(1).nextBytes(garbage);
            c.sendFrame(1, garbage);
            JsonObject error = c.next("error", 30_000);
            assertEquals("invalid_frame", error.getString("code"));
            assertEquals(1, error.getLong("seq"));
            assertFalse(error.getBoolean("fatal"));
            c.sendRaw(new byte[] {9, 0, 1});
            assertEquals("invalid_frame", c.next("error", 5000).getString("code"));
            c.sendFrame(2, photo(THUMB_UP));
            assertEquals(2, c.next("hands", 30_000).getLong("seq"));
        }
    }

    @Test
    @DisplayName("a frame over the size limit gives frame_too_large and the session carries on")
    void oversizeFrame() throws Exception {
        try (SessionClient c = connect()) {
            c.sendFrame(1, new byte[MAX_FRAME_BYTES + 1]);
            JsonObject error = c.next("error", 5000);
            assertEquals("frame_too_large", error.getString("code"));
            assertEquals(1, error.getLong("seq"));
            c.sendFrame(2, photo(THUMB_UP));
            assertEquals(2, c.next("hands", 30_000).getLong("seq"));
        }
    }

    @Test
    @DisplayName("unknown or malformed text gives bad_message; ping gives pong; hello changes the options")
    void textMessages() throws Exception {
        try (SessionClient c = connect()) {
            c.sendText("{\"type\":\"dance\"}");
            assertEquals("bad_message", c.next("error", 5000).getString("code"));
            c.sendText("not json");
            assertEquals("bad_message", c.next("error", 5000).getString("code"));
            c.sendText("{\"type\":\"hello\",\"maxHands\":99}");
            assertEquals("bad_message", c.next("error", 5000).getString("code"));
            c.sendText("{\"type\":\"ping\"}");
            assertTrue(c.next("pong", 5000).getLong("ts") > 0);
            c.sendText("{\"type\":\"hello\",\"maxHands\":1,\"model\":\"lite\"}");
            JsonObject welcome = c.next("welcome", 5000);
            assertEquals("lite", welcome.getJsonObject("limits").getString("model"));
            assertEquals(1, welcome.getJsonObject("limits").getInteger("maxHands"));
            c.sendFrame(3, photo(THUMB_UP));
            assertEquals(
                    "Thumb_Up",
                    c.next("hands", 30_000)
                            .getJsonArray("hands")
                            .getJsonObject(0)
                            .getString("gesture"));
        }
    }

    @Test
    @DisplayName("while a frame is with inference, a newer frame replaces the waiting one, which is counted as dropped")
    void newestFrameWins() throws Exception {
        try (SessionClient c = connect(slowWorker.port())) {
            byte[] image = photo(THUMB_UP);
            // The first frame goes to the worker, which holds it; 2..5 arrive meanwhile and replace each other.
            for (int seq = 1; seq <= 5; seq++) {
                c.sendFrame(seq, image);
            }
            assertEquals(1, c.next("hands", 30_000).getLong("seq"));
            assertEquals(5, c.next("hands", 30_000).getLong("seq"));
            for (int seq = 2; seq <= 4; seq++) {
                JsonObject dropped = c.next("dropped", 5000);
                assertEquals(seq, dropped.getLong("seq"));
                assertEquals("superseded", dropped.getString("reason"));
            }
            JsonObject stats = c.next("stats", 5000);
            while (stats.getLong("dropped") < 3) {
                stats = c.next("stats", 5000);
            }
            assertEquals(3, stats.getLong("dropped"));
        }
    }

    @Test
    @io.vertx.junit5.Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
    @DisplayName("50 concurrent sessions are all answered, refused frames followed by the next")
    void fiftySessions(VertxTestContext testContext) {
        int sessions = 50;
        Checkpoint answered = testContext.checkpoint(sessions);
        byte[] image = photo(VICTORY);
        // One client for all sessions, held in a field: the method returns before the sessions finish, and a
        // collected client closes its sockets.
        WebSocketClient client = vertx.createWebSocketClient();
        sharedClient = client;
        for (int i = 0; i < sessions; i++) {
            long[] seq = {1000L * (i + 1)};
            // Handlers before connecting, so the welcome cannot pass them by.
            io.vertx.core.http.ClientWebSocket ws = client.webSocket();
            ws.textMessageHandler(text -> {
                JsonObject m = new JsonObject(text);
                testContext.verify(() -> ProtocolSchema.get().assertReceived(text));
                switch (m.getString("type")) {
                    case "welcome" ->
                        ws.writeBinaryMessage(ClientFrame.encode(seq[0], System.currentTimeMillis(), image));
                    // 50 frames at once can be more than two workers answer within their queue time: a refused frame is
                    // followed by the camera's next one, a frame interval (30 fps) later, as a streaming client would.
                    case "dropped" ->
                        testContext.verify(() -> {
                            assertEquals("worker_busy", m.getString("reason"), m.encode());
                            vertx.setTimer(
                                    33,
                                    id -> ws.writeBinaryMessage(
                                            ClientFrame.encode(++seq[0], System.currentTimeMillis(), image)));
                        });
                    case "hands" ->
                        testContext.verify(() -> {
                            assertEquals(seq[0], m.getLong("seq"));
                            assertEquals(
                                    "Victory",
                                    m.getJsonArray("hands").getJsonObject(0).getString("gesture"));
                            answered.flag();
                            ws.close();
                        });
                    case "error" -> testContext.failNow("session " + seq[0] + " got " + m.encode());
                    default -> {}
                }
            });
            ws.connect(port, "127.0.0.1", "/ws").onFailure(testContext::failNow);
        }
    }

    private record Response(int status, String body) {}

    private Response get(String path) throws Exception {
        return http.request(HttpMethod.GET, port, "127.0.0.1", path)
                .compose(req -> req.send()
                        .compose((HttpClientResponse resp) ->
                                resp.body().map(b -> new Response(resp.statusCode(), b.toString()))))
                .await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName(
            "/live and /ready report UP with the inference check, /api/health adds the assistant; /metrics has the meters")
    void healthAndMetrics() throws Exception {
        try (SessionClient c = connect()) {
            c.sendFrame(1, photo(THUMB_UP));
            c.next("hands", 30_000);
        }
        Response live = get("/api/health/live");
        assertEquals(200, live.status(), live.body());
        Response ready = get("/api/health/ready");
        assertEquals(200, ready.status(), ready.body());
        JsonObject readyJson = new JsonObject(ready.body());
        assertEquals("UP", readyJson.getString("status"));
        assertEquals(
                "inference", readyJson.getJsonArray("checks").getJsonObject(0).getString("id"));
        // No Ollama here: the overall report names the assistant DOWN, while readiness (above) stays UP.
        Response all = get("/api/health");
        assertEquals(503, all.status(), all.body());
        JsonObject checks = new JsonObject().put("list", new JsonObject(all.body()).getJsonArray("checks"));
        for (Object c : checks.getJsonArray("list")) {
            JsonObject check = (JsonObject) c;
            assertEquals(
                    check.getString("id").equals("inference") ? "UP" : "DOWN",
                    check.getString("status"),
                    check.encode());
            // Public health says statuses only: no addresses, error text or node names.
            assertEquals(Set.of("id", "status"), check.fieldNames(), check.encode());
        }
        assertFalse(
                all.body().contains("http://")
                        || all.body().contains("refused")
                        || all.body().contains("/cpu"),
                all.body());
        // The details are for operators, beside /metrics.
        Response details = get("/api/health/details");
        assertTrue(details.body().contains("no assistant") || details.body().contains("reachable"), details.body());
        assertEquals(200, get("/metrics").status());
        ScrapedMetrics metrics = node.metrics();
        for (String meter : new String[] {
            "palmreader_frames_received_total",
            "palmreader_frames_processed_total",
            "palmreader_stage_latency_seconds_bucket",
            "palmreader_batch_size_count",
            "palmreader_sessions",
            "palmreader_frames_queued",
            "vertx_http_server_active_ws_connections"
        }) {
            assertTrue(metrics.has(meter), "metrics lack " + meter + ": " + metrics.names());
        }
        Response page = get("/");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("Palmreader"));
    }
}

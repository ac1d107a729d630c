package io.palmreader.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.assistant.FakeOllama;
import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
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
@DisplayName("Two nodes sharing a real redis-server: resume, shared rate limits, the answer cache, and Redis dying")
class SharedStoreTest {

    private static final int ASKS_PER_MINUTE_PER_ADDRESS = 4;

    /** An edge node of this test; tokens are required, as answers are cached only for a user. */
    private static NodeExtension edgeNode() {
        return NodeExtension.node(new JsonObject()
                        .put("assistant", new JsonObject().put("asksPerMinutePerAddress", ASKS_PER_MINUTE_PER_ADDRESS))
                        .put("redis", new JsonObject().put("timeoutMs", 300).put("retryMs", 200)))
                .role("edge");
    }

    /** Every session here is the same user's, on either node: A's secret, Redis and Ollama serve B too. */
    @RegisterExtension
    static final NodeExtension nodeA = edgeNode().withRedis().withOllama().withTokens();

    @RegisterExtension
    static final NodeExtension nodeB = edgeNode().sharing(nodeA);

    private RedisServer redis;
    private FakeOllama ollama;
    private Vertx vertxA;
    private Vertx vertxB;

    @BeforeAll
    void clients() {
        redis = nodeA.redis();
        ollama = nodeA.ollama();
        vertxA = nodeA.vertx();
        vertxB = nodeB.vertx();
    }

    @BeforeEach
    void clean() throws Exception {
        redis.flush();
        ollama.requests.clear();
    }

    private SessionClient connect(Vertx vertx) throws Exception {
        return SessionClient.connect(
                vertx,
                new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(GatewayTestAccess.port(vertx))
                        .setURI("/ws")
                        .addHeader("Authorization", "Bearer " + nodeA.tokens().token("reader")));
    }

    private static String ask(SessionClient s, String text) throws Exception {
        s.sendText(new JsonObject().put("type", "ask").put("text", text).encode());
        StringBuilder answer = new StringBuilder();
        JsonObject ai;
        do {
            ai = s.next("ai", 10_000);
            answer.append(ai.getString("delta"));
        } while (!ai.getBoolean("done"));
        return answer.toString();
    }

    @Test
    @DisplayName("a session resumed on the other node with its token continues its conversation and settings")
    void resumeRestoresHistory() throws Exception {
        String token;
        try (SessionClient first = connect(vertxA)) {
            token = first.next("welcome", 5000).getString("resumeToken");
            first.sendText("{\"type\":\"hello\",\"model\":\"lite\"}");
            first.next("welcome", 5000);
            ask(first, "Remember the number 42.");
        }
        try (SessionClient again = connect(vertxB)) {
            again.next("welcome", 5000);
            again.sendText(
                    new JsonObject().put("type", "hello").put("resume", token).encode());
            JsonObject resumed = again.next("welcome", 5000);
            assertTrue(resumed.getBoolean("resumed", false), resumed.encode());
            assertEquals("lite", resumed.getJsonObject("limits").getString("model"));
            ask(again, "Which number?");
            String entry = redis.command("GET " + StoreKeys.session(resumed.getString("sessionId")));
            assertTrue(entry.startsWith("$"), "the session registry entry is in Redis: " + entry);
        }
        JsonArray messages = ollama.requests.get(1).getJsonArray("messages");
        assertEquals(4, messages.size(), messages.encodePrettily());
        assertTrue(messages.getJsonObject(1).getString("content").contains("42"));
        assertEquals(String.join("", ollama.tokens), messages.getJsonObject(2).getString("content"));
    }

    @Test
    @DisplayName("questions from one address are limited across both nodes, with the time to wait")
    void rateLimitAcrossNodes() throws Exception {
        try (SessionClient onA = connect(vertxA);
                SessionClient onB = connect(vertxB)) {
            onA.next("welcome", 5000);
            onB.next("welcome", 5000);
            ask(onA, "one");
            ask(onB, "two");
            ask(onA, "three");
            ask(onB, "four");
            onA.sendText(new JsonObject().put("type", "ask").put("text", "five").encode());
            JsonObject limited = onA.next("error", 10_000);
            assertEquals("rate_limited", limited.getString("code"));
            assertTrue(
                    limited.getLong("retryAfterMs") > 0 && limited.getLong("retryAfterMs") <= 60_000, limited.encode());
            assertEquals(ASKS_PER_MINUTE_PER_ADDRESS, ollama.requests.size());
        }
    }

    @Test
    @DisplayName(
            "a token bucket in Redis is one bucket for every node: its burst, then a wait, and it expires once full")
    void tokenBucketAcrossNodes() throws Exception {
        RedisKeyValueStore onA = new RedisKeyValueStore(vertxA, redis.url());
        RedisKeyValueStore onB = new RedisKeyValueStore(vertxB, redis.url());
        try {
            String key = StoreKeys.rate("test", "ip", "198.51.100.7");
            assertEquals(0, onA.acquire(key, 3, 60_000).await(10, TimeUnit.SECONDS));
            assertEquals(0, onB.acquire(key, 3, 60_000).await(10, TimeUnit.SECONDS));
            assertEquals(0, onA.acquire(key, 3, 60_000).await(10, TimeUnit.SECONDS));
            long wait = onB.acquire(key, 3, 60_000).await(10, TimeUnit.SECONDS);
            assertTrue(wait > 0 && wait <= 20_000, "a token comes back every 20 s: " + wait);
            long ttl = Long.parseLong(redis.command("PTTL " + key).substring(1));
            assertTrue(ttl > 0 && ttl <= 60_000, "the bucket expires once it would be full: " + ttl);
            assertEquals(
                    0,
                    onB.acquire(StoreKeys.rate("test", "ip", "198.51.100.8"), 3, 60_000)
                            .await(10, TimeUnit.SECONDS),
                    "another key is another bucket");
        } finally {
            onA.close();
            onB.close();
        }
    }

    @Test
    @DisplayName("the same user's text prompt is answered from the shared cache on the other node, without Ollama")
    void cacheHit() throws Exception {
        String first;
        try (SessionClient a = connect(vertxA)) {
            a.next("welcome", 5000);
            first = ask(a, "What is Palmreader?");
        }
        try (SessionClient b = connect(vertxB)) {
            b.next("welcome", 5000);
            b.sendText(new JsonObject()
                    .put("type", "ask")
                    .put("text", "What is Palmreader?")
                    .encode());
            JsonObject delta = b.next("ai", 10_000);
            JsonObject done = b.next("ai", 10_000);
            assertEquals(first, delta.getString("delta"));
            assertTrue(done.getJsonObject("stats").getBoolean("cached"), done.encode());
        }
        assertEquals(1, ollama.requests.size());
        var http = vertxA.createHttpClient();
        String metrics = http.request(HttpMethod.GET, GatewayTestAccess.port(vertxA), "127.0.0.1", "/metrics")
                .compose(r -> r.send().compose(resp -> resp.body()))
                .map(Object::toString)
                .await(10, TimeUnit.SECONDS);
        assertTrue(
                metrics.contains("palmreader_assistant_answers_total") && metrics.contains("outcome=\"cached\""),
                "cache hits are counted");
    }

    @Test
    @DisplayName("Redis killed mid-session: the session goes on from memory and /api/health shows redis DOWN")
    void redisDies() throws Exception {
        try (NodeExtension own = edgeNode().sharing(nodeA).withRedis().start()) {
            Vertx vertx = own.vertx();
            try (SessionClient s = connect(vertx)) {
                s.next("welcome", 5000);
                ask(s, "before");
                own.redis().kill();
                assertEquals(String.join("", ollama.tokens), ask(s, "after"));
                s.sendText("{\"type\":\"ping\"}");
                s.next("pong", 5000);
                var http = vertx.createHttpClient();
                JsonObject health = http.request(
                                HttpMethod.GET, GatewayTestAccess.port(vertx), "127.0.0.1", "/api/health")
                        .compose(r -> r.send().compose(resp -> resp.body()))
                        .map(b -> b.toJsonObject())
                        .await(10, TimeUnit.SECONDS);
                JsonObject redisCheck = health.getJsonArray("checks").stream()
                        .map(c -> (JsonObject) c)
                        .filter(c -> "redis".equals(c.getString("id")))
                        .findFirst()
                        .orElseThrow();
                assertEquals("DOWN", redisCheck.getString("status"), health.encode());
            }
        }
    }
}

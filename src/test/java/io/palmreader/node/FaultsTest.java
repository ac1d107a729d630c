package io.palmreader.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.assistant.FakeOllama;
import io.palmreader.eventlog.KafkaBroker;
import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.store.RedisServer;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One live session streaming frames and asking questions through a run of faults: Redis killed and restarted,
 * Kafka stopped and restarted, Ollama dropping the connection mid-answer and then busy (503). After each the
 * session is still open, frames and answers resume, no frame is answered twice, health showed the fault while it
 * lasted, and the event log catches up. (An inference node killed under a live session is ThreeNodeClusterTest.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 420, unit = TimeUnit.SECONDS)
@DisplayName("Faults under a live session: Redis, Kafka and Ollama fail and return; nothing is lost or doubled")
class FaultsTest {

    private static final String PHOTO = "hands/victory/wasmedge_victory.jpg";

    private SessionClient session;
    private final Set<Long> answered = new HashSet<>();
    private long seq;
    private Vertx vertx;
    private HttpClient http;
    private int port;

    /**
     * Streams frames at a camera's pace (30 fps), each sent once the one before is answered; every one is answered,
     * once and right. The node waits as long as a frame takes (the test configuration), so this holds on any machine.
     */
    private void stream(int frames) throws Exception {
        for (int i = 0; i < frames; i++) {
            vertx.timer(33).await(5, TimeUnit.SECONDS);
            session.sendFrame(++seq, GatewayTestAccess.photo(PHOTO));
            JsonObject m = session.nextOf(30_000, "hands", "dropped", "error");
            assertEquals("hands", m.getString("type"), "frames keep working: " + m.encode());
            assertTrue(answered.add(m.getLong("seq")), "answered twice: " + m.getLong("seq"));
            assertEquals("Victory", m.getJsonArray("hands").getJsonObject(0).getString("gesture"));
        }
    }

    /**
     * Asks; returns the question's last message (its whole text put in {@code text}), or its {@code ai_error}.
     * Answers a held gesture started are passed over.
     */
    private JsonObject ask(String text) throws Exception {
        session.sendText(new JsonObject().put("type", "ask").put("text", text).encode());
        Map<String, StringBuilder> texts = new HashMap<>();
        Set<String> questions = new HashSet<>();
        while (true) {
            JsonObject m = session.nextOf(30_000, "ai", "ai_error");
            if ("ai_error".equals(m.getString("type"))) {
                return m;
            }
            String id = m.getString("answerId");
            if ("question".equals(m.getJsonObject("trigger", new JsonObject()).getString("type"))) {
                questions.add(id);
            }
            texts.computeIfAbsent(id, k -> new StringBuilder()).append(m.getString("delta", ""));
            if (m.getBoolean("done", false) && !m.getBoolean("stopped", false) && questions.contains(id)) {
                return m.copy().put("text", texts.get(id).toString());
            }
        }
    }

    private JsonObject check(String id) throws Exception {
        JsonObject health = http.request(HttpMethod.GET, port, "127.0.0.1", "/api/health")
                .compose(r -> r.send().compose(resp -> resp.body()))
                .map(b -> b.toJsonObject())
                .await(10, TimeUnit.SECONDS);
        return health.getJsonArray("checks").stream()
                .map(c -> (JsonObject) c)
                .filter(c -> id.equals(c.getString("id")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + id + " check in " + health.encode()));
    }

    /**
     * Streams frames until the health check {@code id} reads {@code status}: it ends on the status, not after a while
     * (the class's time-out is the only clock), so how many frames it takes does not matter.
     */
    private void awaitCheck(String id, String status) throws Exception {
        while (!status.equals(check(id).getString("status"))) {
            stream(1);
        }
    }

    private static Set<String> answerIds(String bootstrap, Set<String> wanted) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "faults-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        Set<String> found = new HashSet<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("palmreader.answers"));
            // Until the records are there: the class's time-out bounds it, however slow the broker's return.
            while (!found.containsAll(wanted)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    found.add(new JsonObject(r.value()).getString("answerId"));
                }
            }
        }
        return found;
    }

    /**
     * A killed Redis refuses connections at once, so its outage is seen without a short time-out (a live Redis that
     * answers slowly on a loaded machine is never taken for a dead one); it is tried again every 500 ms, so its return
     * is seen within the test.
     */
    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
                    .put("redis", new JsonObject().put("timeoutMs", 10_000).put("retryMs", 500))
                    .put("ollama", new JsonObject().put("breakerFailures", 10))
                    .put(
                            "assistant",
                            new JsonObject()
                                    .put("cacheTtlMs", 0)
                                    .put("asksPerMinute", 0)
                                    .put("asksPerMinutePerAddress", 0)
                                    .put("gestureCooldownMs", 3_600_000))
                    .put("inference", new JsonObject().put("workers", 1).put("model", "lite")))
            .withRedis()
            .withKafka()
            .withOllama();

    @Test
    void faultsOneAfterAnother() throws Exception {
        RedisServer redis = node.redis();
        KafkaBroker kafka = node.kafka();
        FakeOllama ollama = node.ollama();
        vertx = node.vertx();
        port = node.port();
        http = vertx.createHttpClient();
        String whole = String.join("", ollama.tokens);
        try (SessionClient s = SessionClient.connect(vertx, port)) {
            session = s;
            s.next("welcome", 5000);
            stream(3);
            assertEquals(whole, ask("before any fault").getString("text"));
            awaitCheck("redis", "UP");
            awaitCheck("kafka", "UP");

            // Redis dies: the node serves from memory, says so, and goes back to Redis when it returns.
            redis.kill();
            awaitCheck("redis", "DOWN");
            stream(3);
            assertEquals(whole, ask("while Redis is down").getString("text"));
            redis.restart();
            awaitCheck("redis", "UP");
            stream(3);
            assertEquals(whole, ask("Redis is back").getString("text"));

            // Kafka stops: records wait in the buffer, health says so, and they are delivered when it returns.
            kafka.kill();
            awaitCheck("kafka", "DOWN");
            stream(3);
            JsonObject duringOutage = ask("while Kafka is down");
            assertEquals(whole, duringOutage.getString("text"));
            kafka.startProcess();
            awaitCheck("kafka", "UP");
            stream(3);
            String outageAnswer = duringOutage.getString("answerId");
            assertTrue(
                    answerIds(kafka.bootstrap(), Set.of(outageAnswer)).contains(outageAnswer),
                    "the answer given while Kafka was down reached the event log after it returned");

            // Ollama drops the connection mid-answer: the partial text comes with the error; the next answer is whole.
            ollama.dropAfterTokens = 3;
            JsonObject dropped = ask("Ollama crashes now");
            ollama.dropAfterTokens = -1;
            assertEquals("ai_error", dropped.getString("type"), dropped.encode());
            assertEquals(String.join("", ollama.tokens.subList(0, 3)), dropped.getString("partial"), dropped.encode());
            stream(3);
            assertEquals(whole, ask("Ollama is back").getString("text"));

            // Ollama busy twice: retried with back-off, then answered.
            ollama.busyFor.set(2);
            assertEquals(whole, ask("Ollama is busy").getString("text"));
            stream(3);
            assertNull(s.closeStatus(), "the session was never closed");
        }
    }
}

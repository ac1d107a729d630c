package io.palmreader.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.assistant.FakeOllama;
import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName("The event log against a real Kafka broker")
class EventLogTest {

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
                    .put("gesture", new JsonObject().put("holdFrames", 3).put("holdMs", 0))
                    .put("kafka", new JsonObject().put("bufferRecords", 8)))
            .withOllama()
            .withKafka();

    private static List<JsonObject> read(String bootstrap, String topic, int atLeast) {
        return read(bootstrap, topic, all -> all.size() >= atLeast);
    }

    /** Reads the topic from the start until {@code done} holds for what was read (or a minute passes). */
    private static List<JsonObject> read(
            String bootstrap, String topic, java.util.function.Predicate<List<JsonObject>> done) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "test-" + topic + "-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        List<JsonObject> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 60_000;
            while (!done.test(out) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonObject value = new JsonObject(r.value());
                    assertEquals(r.key(), value.getString("sessionId"), "records are keyed by session id");
                    out.add(value);
                }
            }
        }
        return out;
    }

    /** Asks and waits for that answer's end (an answer it replaced ends first, as stopped). */
    private static void ask(SessionClient s, String text) throws Exception {
        s.sendText(new JsonObject().put("type", "ask").put("text", text).encode());
        JsonObject ai;
        do {
            ai = s.next("ai", 10_000);
        } while (!ai.getBoolean("done") || ai.getBoolean("stopped", false));
    }

    @Test
    @DisplayName("sessions, gestures and answers reach their topics; with Kafka down frames flow, health says DOWN, "
            + "records wait (oldest dropped past the buffer) and are delivered when Kafka is back")
    void eventsReachKafka() throws Exception {
        KafkaBroker kafka = node.kafka();
        Vertx vertx = node.vertx();
        FakeOllama ollama = node.ollama();
        int port = GatewayTestAccess.port(vertx);
        byte[] victory = GatewayTestAccess.photo("hands/victory/wasmedge_victory.jpg");
        try (SessionClient s = SessionClient.connect(vertx, port)) {
            String sessionId = s.next("welcome", 5000).getString("sessionId");
            for (int seq = 1; seq <= 4; seq++) {
                s.sendFrame(seq, victory);
                s.next("hands", 30_000);
            }
            s.next("gesture", 5000);
            ask(s, "What did I show?");

            JsonObject opened = read(kafka.bootstrap(), EventLog.SESSIONS, 1).get(0);
            assertEquals("opened", opened.getString("event"));
            assertEquals(sessionId, opened.getString("sessionId"));
            assertTrue(read(kafka.bootstrap(), EventLog.GESTURES, 1).stream()
                    .anyMatch(g -> "Victory".equals(g.getString("name"))));
            JsonObject answer = read(kafka.bootstrap(), EventLog.ANSWERS, 2).stream()
                    .filter(a -> "What did I show?".equals(a.getString("question")))
                    .findFirst()
                    .orElseThrow();
            assertEquals(String.join("", ollama.tokens), answer.getString("answer"));
            assertEquals("completed", answer.getString("outcome"));

            kafka.kill();
            for (int i = 0; i < 14; i++) {
                ask(s, "outage " + i);
            }
            s.sendFrame(10, victory);
            assertEquals(10, s.next("hands", 30_000).getLong("seq"), "frames flow while Kafka is down");
            var http = vertx.createHttpClient();
            JsonObject[] checked = new JsonObject[1];
            Eventually.await(vertx, 30_000, "health to show Kafka down", () -> {
                JsonObject health = http.request(
                                io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/api/health/details")
                        .compose(r -> r.send().compose(resp -> resp.body()))
                        .map(b -> b.toJsonObject())
                        .await(10, TimeUnit.SECONDS);
                checked[0] = health.getJsonArray("checks").stream()
                        .map(c -> (JsonObject) c)
                        .filter(c -> "kafka".equals(c.getString("id")))
                        .findFirst()
                        .orElseThrow();
                return "DOWN".equals(checked[0].getString("status"));
            });
            JsonObject kafkaCheck = checked[0];
            assertEquals("DOWN", kafkaCheck.getString("status"), kafkaCheck.encode());
            assertTrue(
                    kafkaCheck.getJsonObject("data").getLong("dropped") > 0,
                    "a full buffer drops the oldest: " + kafkaCheck.encode());

            kafka.startProcess();
            List<JsonObject> answers = read(
                    kafka.bootstrap(),
                    EventLog.ANSWERS,
                    all -> all.stream().anyMatch(a -> "outage 13".equals(a.getString("question"))));
            assertTrue(
                    answers.stream().anyMatch(a -> "outage 13".equals(a.getString("question"))),
                    "the newest records waited and were delivered: " + answers);
        }
    }
}

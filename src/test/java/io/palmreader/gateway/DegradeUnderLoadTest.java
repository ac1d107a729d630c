package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.protocol.ClientFrame;
import io.palmreader.protocol.ProtocolSchema;
import io.palmreader.testing.NodeExtension;
import io.palmreader.testing.ScrapedMetrics;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The quality ladder end to end: one worker of fixed cost per rung (the echo stand-in: 40 ms a frame on the full model,
 * 16 on the lite one, 12 on the lite one searching less often), so the full rung holds 25 frames a second whatever the
 * machine, and sessions offering a fixed multiple of that. Every frame is counted as answered (with the rung it says)
 * or dropped; nothing is timed. Loads rise from test to test, so that none starts with a worker still degraded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Under load: answers degrade to the lite model before any frame is shed, and say so")
class DegradeUnderLoadTest {

    private static final int FRAMES_PER_SESSION = 60;
    /** A session's first answers come while its worker is still measuring the load: only the later ones are judged. */
    private static final int SETTLING_FRAMES = 25;

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
            .put(
                    "inference",
                    new JsonObject()
                            .put("mode", "echo")
                            .put("echoDelayMs", "40,16,12")
                            .put("workers", 1)
                            .put("maxQueueMs", 100)));

    /** One session's frames as it was told of them, in order. */
    private static final class Told {
        final int index;
        final boolean fixed;
        final List<Integer> rungs = new ArrayList<>();
        final List<String> models = new ArrayList<>();
        int dropped;

        Told(int index, boolean fixed) {
            this.index = index;
            this.fixed = fixed;
        }

        List<Integer> settledRungs() {
            return rungs.subList(Math.min(rungs.size(), SETTLING_FRAMES), rungs.size());
        }
    }

    /**
     * Opens {@code sessions} sessions (the last {@code fixed} of them with {@code quality: fixed}), each sending
     * {@link #FRAMES_PER_SESSION} frames at {@code fps}, and waits until each of its frames is answered or dropped.
     */
    private static List<Told> offer(int sessions, int fixed, int fps) throws Exception {
        byte[] frame = GatewayTest.photo(GatewayTest.THUMB_UP);
        List<Told> told = new ArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        Promise<Void> done = Promise.promise();
        WebSocketClient client = node.vertx().createWebSocketClient();
        for (int i = 0; i < sessions; i++) {
            Told t = new Told(i, i >= sessions - fixed);
            told.add(t);
            ClientWebSocket ws = client.webSocket();
            int[] sent = {0};
            ws.textMessageHandler(text -> {
                List<String> offProtocol = ProtocolSchema.get().checkReceived(text);
                if (!offProtocol.isEmpty()) {
                    done.tryFail(String.join("\n", offProtocol));
                }
                JsonObject m = new JsonObject(text);
                switch (m.getString("type")) {
                    case "welcome" -> {
                        if (t.fixed && !"fixed".equals(m.getJsonObject("limits").getString("quality"))) {
                            ws.writeTextMessage(new JsonObject()
                                    .put("type", "hello")
                                    .put("quality", "fixed")
                                    .encode());
                            return;
                        }
                        // Sessions are independent cameras: each starts at its own phase of the frame period.
                        long phaseMs = 1 + (long) t.index * 1000 / fps / sessions;
                        node.vertx().setPeriodic(phaseMs, 1000 / fps, id -> {
                            ws.writeBinaryMessage(ClientFrame.encode(++sent[0], System.currentTimeMillis(), frame));
                            if (sent[0] == FRAMES_PER_SESSION) {
                                node.vertx().cancelTimer(id);
                            }
                        });
                    }
                    case "error" -> done.tryFail("no errors under load: " + m.encode());
                    case "hands" -> {
                        t.rungs.add(m.getInteger("rung"));
                        t.models.add(m.getString("model"));
                    }
                    case "dropped" -> {
                        if (!"worker_busy".equals(m.getString("reason"))
                                && !"superseded".equals(m.getString("reason"))) {
                            done.tryFail("frames are answered, or dropped for want of a worker: " + m.encode());
                        }
                        t.dropped++;
                    }
                    default -> {}
                }
                if (m.getString("type").matches("hands|dropped")
                        && t.rungs.size() + t.dropped == FRAMES_PER_SESSION
                        && finished.incrementAndGet() == sessions) {
                    done.tryComplete();
                }
            });
            ws.connect(node.port(), "127.0.0.1", "/ws").onFailure(done::tryFail);
        }
        done.future().await(100, TimeUnit.SECONDS);
        client.close();
        return told;
    }

    private static int count(List<Told> told, boolean fixed, int rung) {
        return told.stream()
                .filter(t -> t.fixed == fixed)
                .mapToInt(t -> (int) t.rungs.stream().filter(r -> r == rung).count())
                .sum();
    }

    @Test
    @Order(1)
    @DisplayName("light load (2 sessions × 5 fps, 40% of the full model's capacity): nothing degraded, nothing dropped")
    void lightLoad() throws Exception {
        List<Told> told = offer(2, 0, 5);
        for (Told t : told) {
            assertEquals(0, t.dropped, "nothing dropped");
            assertEquals(FRAMES_PER_SESSION, t.rungs.size());
            assertTrue(t.rungs.stream().allMatch(r -> r == 0), "every frame on the model asked for: " + t.rungs);
            assertTrue(t.models.stream().allMatch("full"::equals), "" + t.models);
        }
    }

    @Test
    @Order(2)
    @DisplayName("twice the full model's capacity (5 × 10 fps): every frame answered, none dropped, the lite model")
    void twiceTheCapacity() throws Exception {
        ScrapedMetrics before = node.metrics();
        List<Told> told = offer(5, 0, 10);
        ScrapedMetrics after = node.metrics();
        for (Told t : told) {
            assertEquals(0, t.dropped, "none shed: " + t.rungs);
            // Lite once the load is seen: rung 1, or rung 2 (the lite model searching less often) should the worker's
            // measured costs grow on a busy machine.
            assertTrue(t.settledRungs().stream().allMatch(r -> r >= 1), "lite once the load is seen: " + t.rungs);
            for (int k = 0; k < t.rungs.size(); k++) {
                assertEquals(t.rungs.get(k) == 0 ? "full" : "lite", t.models.get(k), "the answer names its model");
            }
        }
        assertEquals(
                count(told, false, 1),
                after.increaseSince(before, "palmreader_frames_degraded_total", Map.of("rung", "lite")),
                "counted per worker and rung");
    }

    @Test
    @Order(3)
    @DisplayName("four times (10 × 10 fps): the last rung for every session that allows it, shedding only what it "
            + "cannot hold; a fixed-quality session keeps the full model and is shed")
    void fourTimesTheCapacity() throws Exception {
        ScrapedMetrics before = node.metrics();
        List<Told> told = offer(11, 1, 10);
        ScrapedMetrics after = node.metrics();
        int answered = 0;
        int dropped = 0;
        for (Told t : told) {
            answered += t.rungs.size();
            dropped += t.dropped;
            if (t.fixed) {
                assertTrue(t.rungs.stream().allMatch(r -> r == 0), "fixed keeps its model: " + t.rungs);
                assertTrue(t.models.stream().allMatch("full"::equals));
            } else {
                assertTrue(t.settledRungs().stream().allMatch(r -> r == 2), "the last rung: " + t.rungs);
            }
        }
        String summary = answered + " answered, " + dropped + " dropped";
        assertTrue(dropped > 0, "past the last rung's capacity frames are shed: " + summary);
        // The last rung holds 83 frames a second of the 110 offered, the full model 25: well over half are answered.
        assertTrue(answered > dropped, summary);
        assertEquals(
                count(told, false, 2) + count(told, true, 2),
                after.increaseSince(before, "palmreader_frames_degraded_total", Map.of("rung", "sparse_search")),
                summary);
    }
}

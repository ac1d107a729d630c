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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Overload made by construction, not by the machine being slow: the workers take a fixed time per frame (the echo
 * processor with a delay), and far more sessions than they can serve send a new frame as soon as the last is
 * settled. However fast the machine, the workers hold only so many frames; the rest must be refused, and every frame
 * must be one or the other. Counted, not timed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("Overload: the excess is shed as worker_busy, every frame answered or shed, no session errors")
class OverloadTest {

    private static final int FRAME_COST_MS = 50;
    private static final int WORKERS = 2;
    /** Two frames' cost: a worker holds the frame it runs and one more; a third would wait past the limit. */
    private static final int MAX_QUEUE_MS = 2 * FRAME_COST_MS;
    /** Each session keeps one frame in flight: 24 of them is 24 frames wanted at once, where the workers hold 4. */
    private static final int SESSIONS = 24;
    /** Fewer than a second's frames at the session rate limit (60), so however fast refusals come, none is rate limited. */
    private static final int RESPONSES_PER_SESSION = 40;

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
            .put(
                    "inference",
                    new JsonObject()
                            .put("mode", "echo")
                            .put("echoDelayMs", FRAME_COST_MS)
                            .put("workers", WORKERS)
                            .put("maxQueueMs", MAX_QUEUE_MS)));

    /** What the clients sent and were told; sessions may run on different event loops. */
    private static final class Tally {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger busy = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
    }

    @Test
    @DisplayName("24 sessions against 2 workers of 50 ms a frame: frames shed as worker_busy, no error, each frame "
            + "answered or shed, as the node counted them")
    void excessIsShedNotQueued() throws Exception {
        ScrapedMetrics before = node.metrics();
        byte[] frame = GatewayTest.photo(GatewayTest.THUMB_UP);
        Tally tally = new Tally();
        Promise<Void> done = Promise.promise();
        // One client for every session, held until the test ends: a collected client closes its sockets.
        WebSocketClient client = node.vertx().createWebSocketClient();
        for (int i = 0; i < SESSIONS; i++) {
            ClientWebSocket ws = client.webSocket();
            long[] seq = {0};
            int[] responses = {0};
            Runnable sendNext = () -> {
                tally.sent.incrementAndGet();
                ws.writeBinaryMessage(ClientFrame.encode(++seq[0], System.currentTimeMillis(), frame));
            };
            // Handlers before connecting, so the welcome cannot pass them by. Each settled frame is followed by the
            // next.
            ws.textMessageHandler(text -> {
                List<String> offProtocol = ProtocolSchema.get().checkReceived(text);
                if (!offProtocol.isEmpty()) {
                    done.tryFail(String.join("\n", offProtocol));
                }
                JsonObject m = new JsonObject(text);
                switch (m.getString("type")) {
                    case "welcome" -> sendNext.run();
                    case "error" -> done.tryFail("no errors under overload: " + m.encode());
                    case "dropped", "hands" -> {
                        if (m.getString("type").equals("hands")) {
                            tally.answered.incrementAndGet();
                        } else if ("worker_busy".equals(m.getString("reason"))) {
                            tally.busy.incrementAndGet();
                        } else {
                            done.tryFail("frames are answered or shed as worker_busy: " + m.encode());
                        }
                        if (++responses[0] < RESPONSES_PER_SESSION) {
                            sendNext.run();
                        } else {
                            ws.close();
                            if (tally.finished.incrementAndGet() == SESSIONS) {
                                done.tryComplete();
                            }
                        }
                    }
                    default -> {}
                }
            });
            ws.connect(node.port(), "127.0.0.1", "/ws").onFailure(done::tryFail);
        }
        // Every session has settled its frames: the tally is complete.
        done.future().await(150, TimeUnit.SECONDS);
        client.close();
        ScrapedMetrics after = node.metrics();
        int sent = tally.sent.get();
        int answered = tally.answered.get();
        int busy = tally.busy.get();
        String summary = String.format("%d sent, %d answered, %d shed", sent, answered, busy);
        System.out.println("overload: " + summary);
        assertTrue(busy > 0, "frames beyond what the workers hold are shed: " + summary);
        assertTrue(answered > 0, summary);
        // Each session settled each of its frames once, as hands or worker_busy; the node's own counts agree: every
        // frame received, each run or shed at a worker, each shed one told to its session.
        assertEquals(sent, after.increaseSince(before, "palmreader_frames_received_total", Map.of()), summary);
        assertEquals(answered, after.increaseSince(before, "palmreader_frames_processed_total", Map.of()), summary);
        assertEquals(busy, after.increaseSince(before, "palmreader_frames_shed_total", Map.of()), summary);
        assertEquals(
                busy,
                after.increaseSince(before, "palmreader_frames_dropped_total", Map.of("reason", "worker_busy")),
                summary);
    }
}

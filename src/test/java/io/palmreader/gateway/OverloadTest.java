package io.palmreader.gateway;

import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.node.Node;
import io.palmreader.observability.Latencies;
import io.palmreader.protocol.ClientFrame;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.VertxTestContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Overload made by construction, not by the machine being slow: the workers take a fixed time per frame (the echo
 * processor with a delay), and far more sessions than they can serve send a new frame as soon as the last is
 * settled. However fast the machine, the workers can answer only so many frames; the rest must be refused at once.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("Overload: the excess is shed as worker_busy, answers stay within twice maxQueueMs, no session errors")
class OverloadTest {

  private static final int FRAME_COST_MS = 20;
  private static final int WORKERS = 2;
  private static final int MAX_QUEUE_MS = 100;
  /** Each session keeps one frame in flight: 24 of them is 24 frames wanted at once, where the workers hold 10. */
  private static final int SESSIONS = 24;
  /** Fewer than a second's frames at the session rate limit (60), so however fast refusals come, none is rate limited. */
  private static final int RESPONSES_PER_SESSION = 40;

  private Vertx vertx;
  private Node node;
  private int port;
  private WebSocketClient sharedClient;

  @BeforeAll
  void startNode() throws Exception {
    vertx = Node.createVertx();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
        .put("inference", new JsonObject().put("mode", "echo").put("echoDelayMs", FRAME_COST_MS)
            .put("workers", WORKERS).put("maxQueueMs", MAX_QUEUE_MS));
    node = Node.start(vertx, config, "all").await(60, TimeUnit.SECONDS);
    port = (Integer) vertx.sharedData().getLocalMap(GatewayVerticle.NODE_MAP).get(GatewayVerticle.HTTP_PORT_KEY);
  }

  @AfterAll
  void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("24 sessions against 2 workers of 20 ms a frame: frames shed, none queued past the limit, no error")
  void excessIsShedNotQueued(VertxTestContext testContext) {
    byte[] frame = GatewayTest.photo(GatewayTest.THUMB_UP);
    List<Double> serverMs = new ArrayList<>();
    int[] busy = {0};
    int[] finished = {0};
    // One client for every session, held until the test ends: a collected client closes its sockets.
    WebSocketClient client = vertx.createWebSocketClient();
    sharedClient = client;
    for (int i = 0; i < SESSIONS; i++) {
      ClientWebSocket ws = client.webSocket();
      long[] seq = {0};
      int[] responses = {0};
      // Handlers before connecting, so the welcome cannot pass them by. Each settled frame is followed by the next.
      ws.textMessageHandler(text -> testContext.verify(() -> {
        JsonObject m = new JsonObject(text);
        switch (m.getString("type")) {
          case "welcome" -> ws.writeBinaryMessage(ClientFrame.encode(++seq[0], System.currentTimeMillis(), frame));
          case "error" -> testContext.failNow("no errors under overload: " + m.encode());
          case "dropped", "hands" -> {
            if (m.getString("type").equals("dropped")) {
              assertEquals("worker_busy", m.getString("reason"), m.encode());
              busy[0]++;
            } else {
              serverMs.add(m.getJsonObject("timing").getDouble("serverMs"));
            }
            if (++responses[0] == RESPONSES_PER_SESSION) {
              ws.close();
              if (++finished[0] == SESSIONS) {
                // Every session has settled its frames, all on this client's event loop: the figures are complete.
                verify(serverMs, busy[0]);
                testContext.completeNow();
              }
            } else {
              ws.writeBinaryMessage(ClientFrame.encode(++seq[0], System.currentTimeMillis(), frame));
            }
          }
          default -> {
          }
        }
      }));
      ws.connect(port, "127.0.0.1", "/ws").onFailure(testContext::failNow);
    }
  }

  private static void verify(List<Double> serverMs, int busy) {
    double[] sorted = serverMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    Latencies latencies = Latencies.of(sorted);
    String summary = String.format("%d answered (p50 %.1f ms, p99 %.1f ms, max %.1f ms), %d shed", sorted.length,
        latencies.percentile(50), latencies.percentile(99), latencies.max(), busy);
    System.out.println("overload: " + summary);
    assertTrue(busy > 0, "frames beyond the workers' capacity are shed: " + summary);
    assertTrue(sorted.length > 0, summary);
    assertTrue(latencies.percentile(99) <= 2 * MAX_QUEUE_MS, "answered frames waited no longer than the limit allows: "
        + summary);
  }
}

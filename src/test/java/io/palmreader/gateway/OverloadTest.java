package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.node.Node;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
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
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("Overload: the excess is shed as worker_busy, answers stay within twice maxQueueMs, no session errors")
class OverloadTest {

  private static final int FRAME_COST_MS = 20;
  private static final int WORKERS = 2;
  private static final int MAX_QUEUE_MS = 100;
  /** Each session keeps one frame in flight: 24 of them is 24 frames wanted at once, where the workers hold 10. */
  private static final int SESSIONS = 24;
  private static final int RESPONSES_PER_SESSION = 40;

  private Vertx vertx;
  private Node node;
  private int port;

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
  void excessIsShedNotQueued() throws Exception {
    byte[] frame = GatewayTest.photo(GatewayTest.THUMB_UP);
    List<SessionClient> clients = new ArrayList<>();
    List<Double> serverMs = new ArrayList<>();
    int busy = 0;
    try {
      for (int i = 0; i < SESSIONS; i++) {
        SessionClient c = SessionClient.connect(vertx, port);
        c.next("welcome", 5000);
        clients.add(c);
      }
      long[] seq = new long[SESSIONS];
      for (int i = 0; i < SESSIONS; i++) {
        clients.get(i).sendFrame(++seq[i], frame);
      }
      for (int round = 0; round < RESPONSES_PER_SESSION; round++) {
        for (int i = 0; i < SESSIONS; i++) {
          SessionClient c = clients.get(i);
          JsonObject m = c.nextOf(30_000, "hands", "dropped", "error");
          assertTrue(!m.getString("type").equals("error"), "no errors under overload: " + m.encode());
          if (m.getString("type").equals("dropped")) {
            assertEquals("worker_busy", m.getString("reason"), m.encode());
            busy++;
          } else {
            serverMs.add(m.getJsonObject("timing").getDouble("serverMs"));
          }
          c.sendFrame(++seq[i], frame);
        }
      }
    } finally {
      clients.forEach(SessionClient::close);
    }
    double[] sorted = serverMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double p99 = sorted[Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1)];
    String summary = String.format("%d answered (p50 %.1f ms, p99 %.1f ms, max %.1f ms), %d shed", sorted.length,
        sorted[sorted.length / 2], p99, sorted[sorted.length - 1], busy);
    System.out.println("overload: " + summary);
    assertTrue(busy > 0, "frames beyond the workers' capacity are shed: " + summary);
    assertTrue(sorted.length > 0, summary);
    assertTrue(p99 <= 2 * MAX_QUEUE_MS, "answered frames waited no longer than the limit allows: " + summary + " "
        + Arrays.toString(Arrays.copyOfRange(sorted, Math.max(0, sorted.length - 5), sorted.length)));
  }
}

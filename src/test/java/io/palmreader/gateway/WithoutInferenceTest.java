package io.palmreader.gateway;

import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;
import io.palmreader.testing.Eventually;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.node.Node;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("An edge node with no inference worker anywhere")
class WithoutInferenceTest {

  private Vertx vertx;
  private Node node;
  private int port;

  @BeforeAll
  void startEdgeNode() throws Exception {
    vertx = Node.createVertx();
    JsonObject config = new JsonObject().put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
        .put("session", new JsonObject().put("maxFps", 5).put("idleTimeoutMs", 1000));
    node = Node.start(vertx, config, "edge").await(30, TimeUnit.SECONDS);
    port = (Integer) vertx.sharedData().getLocalMap(GatewayVerticle.NODE_MAP).get(GatewayVerticle.HTTP_PORT_KEY);
  }

  @AfterAll
  void stop() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a frame gets over_capacity at once, and the session stays open")
  void frameIsOverCapacity() throws Exception {
    try (SessionClient c = SessionClient.connect(vertx, port)) {
      c.next("welcome", 5000);
      c.sendFrame(1, GatewayTest.photo(GatewayTest.THUMB_UP));
      JsonObject error = c.next("error", 5000);
      assertEquals("over_capacity", error.getString("code"));
      assertFalse(error.getBoolean("fatal"));
      c.sendText("{\"type\":\"ping\"}");
      assertTrue(c.next("pong", 5000).containsKey("ts"));
    }
  }

  @Test
  @DisplayName("frames beyond the frame-rate limit are refused with rate_limited, without closing the session")
  void rateLimited() throws Exception {
    try (SessionClient c = SessionClient.connect(vertx, port)) {
      c.next("welcome", 5000);
      byte[] image = GatewayTest.photo(GatewayTest.THUMB_UP);
      for (int seq = 1; seq <= 8; seq++) {
        c.sendFrame(seq, image);
      }
      JsonObject error = c.next("error", 5000);
      while (!"rate_limited".equals(error.getString("code"))) {
        assertEquals("over_capacity", error.getString("code"));
        error = c.next("error", 5000);
      }
      assertEquals(6, error.getLong("seq"), "the first frame over a burst of 5");
      c.sendText("{\"type\":\"ping\"}");
      c.next("pong", 5000);
    }
  }

  @Test
  @DisplayName("a session silent for longer than the idle timeout is closed with 1001")
  void idleSessionIsClosed() throws Exception {
    try (SessionClient c = SessionClient.connect(vertx, port)) {
      c.next("welcome", 5000);
      Eventually.await(vertx, 10_000, "the idle session to be closed", () -> c.closeStatus() != null);
      assertEquals((short) 1001, c.closeStatus());
    }
  }

  @Test
  @DisplayName("/api/health/ready is 503 with the inference check DOWN, while /api/health/live is 200")
  void notReady() throws Exception {
    var http = vertx.createHttpClient();
    int ready = http.request(HttpMethod.GET, port, "127.0.0.1", "/api/health/ready")
        .compose(r -> r.send()).map(r -> r.statusCode()).await(10, TimeUnit.SECONDS);
    int live = http.request(HttpMethod.GET, port, "127.0.0.1", "/api/health/live")
        .compose(r -> r.send()).map(r -> r.statusCode()).await(10, TimeUnit.SECONDS);
    assertEquals(503, ready);
    assertEquals(200, live);
  }

  @Test
  @DisplayName("an unknown role is refused with the roles there are")
  void unknownRole() {
    Throwable e = Node.start(vertx, new JsonObject(), "dancer").cause();
    assertTrue(e.getMessage().contains("all, edge or gpu"), e.getMessage());
  }
}

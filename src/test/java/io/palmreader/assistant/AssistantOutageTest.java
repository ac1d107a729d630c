package io.palmreader.assistant;

import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;
import io.palmreader.testing.Eventually;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.node.Node;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("The assistant when Ollama is absent or failing")
class AssistantOutageTest {

  private static Node edgeNode(Vertx vertx, String ollamaUrl, JsonObject ollama) throws Exception {
    JsonObject config = new JsonObject().put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
        .put("ollama", ollama.put("url", ollamaUrl));
    return Node.start(vertx, config, "edge").await(30, TimeUnit.SECONDS);
  }

  private static JsonObject ask(SessionClient s, String text) throws Exception {
    s.sendText(new JsonObject().put("type", "ask").put("text", text).encode());
    return s.next("ai_error", 10_000);
  }

  @Test
  @DisplayName("nothing listening: the session is told assistant_unavailable and keeps working; health says DOWN")
  void ollamaAbsent() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    Vertx vertx = Node.createVertx();
    Node node = edgeNode(vertx, "http://127.0.0.1:" + closedPort, new JsonObject());
    try (SessionClient s = SessionClient.connect(vertx, GatewayTestAccess.port(vertx))) {
      s.next("welcome", 5000);
      JsonObject status = s.next("assistant", 5000);
      assertFalse(status.getBoolean("available"));
      JsonObject error = ask(s, "Hello?");
      assertEquals("assistant_unavailable", error.getString("code"));
      // A plain word for the client; where Ollama is stays in the log.
      assertTrue(error.getString("message").contains("unavailable"), error.getString("message"));
      assertFalse(error.getString("message").contains("127.0.0.1"), error.getString("message"));
      s.sendText("{\"type\":\"ping\"}");
      s.next("pong", 5000);
    } finally {
      node.stop().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("the breaker opens after repeated failures (Ollama is left alone), then recovers when Ollama does")
  void breakerOpensAndRecovers() throws Exception {
    Vertx vertx = Node.createVertx();
    FakeOllama ollama = FakeOllama.start(vertx);
    Node node = edgeNode(vertx, ollama.url(), new JsonObject().put("busyRetries", 0).put("breakerFailures", 2)
        .put("breakerResetMs", 300));
    try (SessionClient s = SessionClient.connect(vertx, GatewayTestAccess.port(vertx))) {
      s.next("welcome", 5000);
      ollama.busyFor.set(1000);
      assertEquals("assistant_busy", ask(s, "one").getString("code"));
      assertEquals("assistant_busy", ask(s, "two").getString("code"));
      int seen = ollama.requests.size();
      JsonObject paused = ask(s, "three");
      assertEquals("assistant_unavailable", paused.getString("code"));
      assertTrue(paused.getString("message").contains("paused"), paused.getString("message"));
      assertEquals(seen, ollama.requests.size(), "an open breaker does not call Ollama");

      ollama.busyFor.set(0);
      // After the reset time the breaker lets one call through; it succeeds and the breaker closes.
      JsonObject[] reply = new JsonObject[1];
      Eventually.await(vertx, 10_000, "the breaker to let a call through", () -> {
        s.sendText(new JsonObject().put("type", "ask").put("text", "again").encode());
        reply[0] = s.nextOf(10_000, "ai", "ai_error");
        return "ai".equals(reply[0].getString("type"));
      });
      assertEquals("ai", reply[0].getString("type"), reply[0].encode());
      JsonObject status = vertx.eventBus().<JsonObject>request(AssistantAddresses.STATUS, null)
          .await(5, TimeUnit.SECONDS).body();
      assertEquals("CLOSED", status.getString("breaker"));
    } finally {
      node.stop().await(30, TimeUnit.SECONDS);
    }
  }
}

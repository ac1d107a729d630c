package io.palmreader.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.Eventually;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-session memory, measured where it counts: a node in its own process, its heap fixed and touched up front so
 * that resident memory shows what sessions cost beyond it (socket buffers, native memory), and 2,000 idle sessions.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("Per-session memory: 2,000 idle sessions on one node")
class IdleSessionsTest {

  private static final int SESSIONS = 2000;
  /** What the default session cap sets aside per session; sessions must cost less, heap and the rest together. */
  private static final long BUDGET_BYTES = 64 * 1024;

  static long residentBytes(Process p) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for " + p.pid());
  }

  @Test
  @DisplayName("each costs less resident memory than the 64 KiB the default session cap sets aside")
  void idleSessionsAreCheap() throws Exception {
    int port = NodeProcess.freePort();
    Process node = NodeProcess.startAlone("idle-sessions", List.of("-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch"),
        Map.of("PALMREADER_HTTP_PORT", Integer.toString(port), "PALMREADER_HTTP_HOST", "127.0.0.1",
            "PALMREADER_INFERENCE_MODE", "echo", "PALMREADER_SESSION_IDLE_TIMEOUT_MS", "600000",
            "PALMREADER_ASSISTANT_ENABLED", "false"));
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(SESSIONS));
      Eventually.await(vertx, 60_000, "the node to listen", () -> open(client, port).compose(ClientWebSocket::close)
          .map(true).await(5, TimeUnit.SECONDS));
      // One session opened and closed first, so that lazily made things (codecs, pools) are there before measuring.
      long before = residentBytes(node);
      List<Future<ClientWebSocket>> sessions = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        sessions.add(open(client, port));
        if (i % 200 == 199) {
          Future.all(new ArrayList<>(sessions)).await(60, TimeUnit.SECONDS);
        }
      }
      Future.all(sessions).await(60, TimeUnit.SECONDS);
      vertx.timer(2000).await(5, TimeUnit.SECONDS); // a couple of stats rounds
      long after = residentBytes(node);
      double perSession = (after - before) / (double) SESSIONS;
      System.out.printf("idle sessions: %d open, resident %.1f -> %.1f MiB, %.1f KiB per session%n", SESSIONS,
          before / 1048576.0, after / 1048576.0, perSession / 1024);
      assertTrue(perSession < BUDGET_BYTES, String.format("%.1f KiB per session", perSession / 1024));
    } finally {
      node.destroy();
      node.waitFor(20, TimeUnit.SECONDS);
      node.destroyForcibly();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** A session, once its welcome has come. */
  private static Future<ClientWebSocket> open(WebSocketClient client, int port) {
    ClientWebSocket ws = client.webSocket();
    Promise<ClientWebSocket> welcomed = Promise.promise();
    ws.textMessageHandler(text -> {
      if (text.contains("\"welcome\"")) {
        welcomed.tryComplete(ws);
      }
    });
    return ws.connect(port, "127.0.0.1", "/ws").compose(v -> welcomed.future());
  }
}

package io.palmreader.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.protocol.ProtocolSchema;
import io.palmreader.testing.NodeExtension;
import io.palmreader.testing.NodeProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-session memory, measured where it counts: a node in its own process, its heap fixed and touched up front so
 * that resident memory shows what sessions cost beyond it (socket buffers, native memory), and 2,000 idle sessions.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("Per-session memory: 2,000 idle sessions on one node")
class IdleSessionsTest {

    private static final int SESSIONS = 2000;
    /** What the default session cap sets aside per session; sessions must cost less, heap and the rest together. */
    private static final long BUDGET_BYTES = 64 * 1024;

    /** Nodes in their own JVMs only. */
    @RegisterExtension
    static final NodeExtension nodes = NodeExtension.processes();

    @Test
    @DisplayName("each costs less resident memory than the 64 KiB the default session cap sets aside")
    void idleSessionsAreCheap() throws Exception {
        NodeProcess node = nodes.startProcess(
                        "idle-sessions",
                        List.of("-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch"),
                        new JsonObject()
                                .put("inference", new JsonObject().put("mode", "echo"))
                                .put("assistant", new JsonObject().put("enabled", false)))
                .awaitReady();
        int port = node.httpPort();
        Vertx vertx = nodes.clients();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(SESSIONS));
        // One session opened and closed first, so that lazily made things (codecs, pools) are there before measuring.
        open(client, port).compose(ClientWebSocket::close).await(10, TimeUnit.SECONDS);
        long before = node.residentBytes();
        List<Future<ClientWebSocket>> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            sessions.add(open(client, port));
            if (i % 200 == 199) {
                Future.all(new ArrayList<>(sessions)).await(60, TimeUnit.SECONDS);
            }
        }
        Future.all(sessions).await(60, TimeUnit.SECONDS);
        vertx.timer(2000).await(5, TimeUnit.SECONDS); // a couple of stats rounds
        long after = node.residentBytes();
        double perSession = (after - before) / (double) SESSIONS;
        System.out.printf(
                "idle sessions: %d open, resident %.1f -> %.1f MiB, %.1f KiB per session%n",
                SESSIONS, before / 1048576.0, after / 1048576.0, perSession / 1024);
        assertTrue(perSession < BUDGET_BYTES, String.format("%.1f KiB per session", perSession / 1024));
    }

    /** A session, once its welcome has come. */
    private static Future<ClientWebSocket> open(WebSocketClient client, int port) {
        ClientWebSocket ws = client.webSocket();
        Promise<ClientWebSocket> welcomed = Promise.promise();
        ws.textMessageHandler(text -> {
            if (text.contains("\"welcome\"")) {
                List<String> offProtocol = ProtocolSchema.get().checkReceived(text);
                if (offProtocol.isEmpty()) {
                    welcomed.tryComplete(ws);
                } else {
                    welcomed.tryFail(String.join("\n", offProtocol));
                }
            }
        });
        return ws.connect(port, "127.0.0.1", "/ws").compose(v -> welcomed.future());
    }
}

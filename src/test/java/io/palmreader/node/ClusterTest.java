package io.palmreader.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.palmreader.testing.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName("A cluster of separate JVMs on loopback: an edge node here, inference nodes in other processes")
class ClusterTest {

    private static final byte[] PHOTO = GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg");

    /**
     * The edge node here, with room for two inference nodes in their own JVMs. A frame sent to a node that has died
     * is answered by no one: the edge gives up on it after 2 s, which the test is about.
     */
    @RegisterExtension
    static final NodeExtension edge = NodeExtension.node(new JsonObject()
                    .put("node", new JsonObject().put("id", "edge"))
                    .put("session", new JsonObject().put("answerTimeoutMs", 2000))
                    // The test checks which node answered: clients are told node names only with this on.
                    .put("observability", new JsonObject().put("exposeNodeNames", true)))
            .role("edge")
            .inCluster("gpu-a", "gpu-b");

    private static NodeProcess gpuNode(String id) throws Exception {
        return edge.startMember(id, "gpu", new JsonObject().put("inference", new JsonObject().put("model", "lite")));
    }

    private static int status(HttpClient http, int port, String path) throws Exception {
        return http.request(HttpMethod.GET, port, "127.0.0.1", path)
                .compose(r -> r.send())
                .map(r -> r.statusCode())
                .await(10, TimeUnit.SECONDS);
    }

    /** Sends frames until one is answered by {@code worker}'s node; returns the messages seen meanwhile. */
    private static List<JsonObject> untilAnsweredBy(Vertx vertx, SessionClient s, String worker, long[] seq)
            throws Exception {
        List<JsonObject> seen = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            s.sendFrame(++seq[0], PHOTO);
            JsonObject m = s.nextOf(5000, "hands", "error", "dropped");
            seen.add(m);
            if ("hands".equals(m.getString("type")) && m.getString("worker").startsWith(worker)) {
                return seen;
            }
            vertx.timer(100).await(1, TimeUnit.SECONDS); // a camera's pace, not a flood, while no worker answers
        }
        throw new AssertionError("no answer from " + worker + "; saw " + seen);
    }

    @Test
    @DisplayName("frames go to another process's workers; losing it gives one over_capacity, a new node takes over, "
            + "and stopping the edge tells the client to reconnect")
    void failover() throws Exception {
        NodeProcess a = gpuNode("gpu-a");
        // The client has its own Vert.x: the edge node's goes away when the node stops.
        Vertx clientVertx = edge.clients();
        int port = edge.port();
        HttpClient http = clientVertx.createHttpClient();
        Eventually.await(
                clientVertx,
                90_000,
                "the edge node to see an inference worker",
                () -> status(http, port, "/api/health/ready") == 200);
        // Hazelcast reports the cluster safe only once its partitions have settled, which may come a moment after the
        // first worker answers.
        JsonObject[] cluster = {null};
        Eventually.await(clientVertx, 30_000, "the cluster check to be UP with both members", () -> {
            JsonObject health = http.request(HttpMethod.GET, port, "127.0.0.1", "/api/health/details")
                    .compose(r -> r.send().compose(resp -> resp.body()))
                    .map(body -> body.toJsonObject())
                    .await(10, TimeUnit.SECONDS);
            cluster[0] = health.getJsonArray("checks").stream()
                    .map(c -> (JsonObject) c)
                    .filter(c -> "cluster".equals(c.getString("id")))
                    .findFirst()
                    .orElseThrow();
            return "UP".equals(cluster[0].getString("status"));
        });
        assertEquals(2, cluster[0].getJsonObject("data").getInteger("members"), cluster[0].encode());
        try (SessionClient s = SessionClient.connect(clientVertx, port)) {
            s.next("welcome", 5000);
            long[] seq = {0};
            untilAnsweredBy(clientVertx, s, "gpu-a/", seq);

            a.kill();
            int overCapacity = 0;
            for (int i = 0; i < 5; i++) {
                s.sendFrame(++seq[0], PHOTO);
                JsonObject m = s.nextOf(5000, "hands", "error", "dropped");
                if ("error".equals(m.getString("type"))) {
                    assertEquals("over_capacity", m.getString("code"));
                    overCapacity++;
                }
            }
            assertEquals(1, overCapacity, "told once, then frames are dropped quietly");
            assertNull(s.closeStatus(), "the session stays open");
            // Readiness follows within its cache time (2 s).
            Eventually.await(
                    clientVertx, 10_000, "readiness to go down", () -> status(http, port, "/api/health/ready") == 503);

            gpuNode("gpu-b");
            untilAnsweredBy(clientVertx, s, "gpu-b/", seq);
            assertNull(s.closeStatus());

            edge.stop();
            Eventually.await(clientVertx, 10_000, "the session to be closed", () -> s.closeStatus() != null);
            assertEquals((short) 1001, s.closeStatus(), "a stopping edge tells its clients to reconnect");
        }
    }
}

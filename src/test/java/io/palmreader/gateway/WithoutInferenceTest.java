package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("An edge node with no inference worker anywhere")
class WithoutInferenceTest {

    /** One frame a second: a token takes a second to come back, so of two frames sent together the second is over. */
    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(
                    new JsonObject().put("session", new JsonObject().put("maxFps", 1)))
            .role("edge");

    /** The shortest idle time-out, for the test about it alone. */
    @RegisterExtension
    static final NodeExtension shortIdle = NodeExtension.node(
                    new JsonObject().put("session", new JsonObject().put("idleTimeoutMs", 1000)))
            .role("edge");

    private Vertx vertx;
    private int port;

    @BeforeAll
    void clients() {
        vertx = node.vertx();
        port = node.port();
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
            c.sendFrame(1, image);
            c.sendFrame(2, image);
            assertEquals("over_capacity", c.next("error", 5000).getString("code"), "the first frame is taken");
            JsonObject error = c.next("error", 5000);
            assertEquals("rate_limited", error.getString("code"), error.encode());
            assertEquals(2, error.getLong("seq"), "the frame over a burst of 1");
            c.sendText("{\"type\":\"ping\"}");
            c.next("pong", 5000);
        }
    }

    @Test
    @DisplayName("a session silent for longer than the idle timeout is closed with 1001")
    void idleSessionIsClosed() throws Exception {
        try (SessionClient c = SessionClient.connect(vertx, shortIdle.port())) {
            c.next("welcome", 5000);
            Eventually.await(vertx, 30_000, "the idle session to be closed", () -> c.closeStatus() != null);
            assertEquals((short) 1001, c.closeStatus());
        }
    }

    @Test
    @DisplayName("/api/health/ready is 503 with the inference check DOWN, while /api/health/live is 200")
    void notReady() throws Exception {
        var http = vertx.createHttpClient();
        int ready = http.request(HttpMethod.GET, port, "127.0.0.1", "/api/health/ready")
                .compose(r -> r.send())
                .map(r -> r.statusCode())
                .await(10, TimeUnit.SECONDS);
        int live = http.request(HttpMethod.GET, port, "127.0.0.1", "/api/health/live")
                .compose(r -> r.send())
                .map(r -> r.statusCode())
                .await(10, TimeUnit.SECONDS);
        assertEquals(503, ready);
        assertEquals(200, live);
    }

    @Test
    @DisplayName("an unknown role is refused with the roles there are")
    void unknownRole() throws Exception {
        Throwable e = NodeExtension.startFailure(new JsonObject(), "dancer");
        assertTrue(e.getMessage().contains("all, edge or gpu"), e.getMessage());
    }
}

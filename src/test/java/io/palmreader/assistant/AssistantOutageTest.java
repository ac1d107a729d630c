package io.palmreader.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("The assistant when Ollama is absent or failing")
class AssistantOutageTest {

    /** The default of every test node: Ollama's URL names a port nothing listens on. */
    @RegisterExtension
    static final NodeExtension absent = NodeExtension.node(new JsonObject()).role("edge");

    /**
     * The test Ollama, with a breaker that opens after two failures and waits 5 s before trying again: ample time to
     * ask once more while it is open, on any machine. No question limit, as the test asks until it recovers.
     */
    @RegisterExtension
    static final NodeExtension failing = NodeExtension.node(new JsonObject()
                    .put(
                            "ollama",
                            new JsonObject()
                                    .put("busyRetries", 0)
                                    .put("breakerFailures", 2)
                                    .put("breakerResetMs", 5000))
                    .put("assistant", new JsonObject().put("asksPerMinute", 0)))
            .role("edge")
            .withOllama();

    private static JsonObject ask(SessionClient s, String text) throws Exception {
        s.sendText(new JsonObject().put("type", "ask").put("text", text).encode());
        return s.next("ai_error", 10_000);
    }

    @Test
    @DisplayName("nothing listening: the session is told assistant_unavailable and keeps working; health says DOWN")
    void ollamaAbsent() throws Exception {
        try (SessionClient s = SessionClient.connect(absent.vertx(), absent.port())) {
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
        }
    }

    @Test
    @DisplayName("the breaker opens after repeated failures (Ollama is left alone), then recovers when Ollama does")
    void breakerOpensAndRecovers() throws Exception {
        Vertx vertx = failing.vertx();
        FakeOllama ollama = failing.ollama();
        try (SessionClient s = SessionClient.connect(vertx, failing.port())) {
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
            Eventually.await(
                    vertx, 30_000, "the breaker to let a call through", () -> "HALF_OPEN".equals(breaker(vertx)));
            s.sendText(new JsonObject().put("type", "ask").put("text", "again").encode());
            JsonObject reply = s.nextOf(10_000, "ai", "ai_error");
            assertEquals("ai", reply.getString("type"), reply.encode());
            assertEquals("CLOSED", breaker(vertx));
        }
    }

    private static String breaker(Vertx vertx) throws Exception {
        return vertx.eventBus()
                .<JsonObject>request(AssistantAddresses.STATUS, null)
                .await(5, TimeUnit.SECONDS)
                .body()
                .getString("breaker");
    }
}

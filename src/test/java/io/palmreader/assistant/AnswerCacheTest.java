package io.palmreader.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.gateway.TokenIssuer;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("The answer cache tells no user what another asked")
class AnswerCacheTest {

    private static final String QUESTION = "What is the capital of France?";

    /** An edge node (sessions and the assistant) with the answer cache on, as it is by default. */
    private static NodeExtension edgeNode() {
        return NodeExtension.node(new JsonObject().put("assistant", new JsonObject().put("cacheTtlMs", 600_000)))
                .role("edge")
                .withOllama();
    }

    @RegisterExtension
    static final NodeExtension withTokens = edgeNode().withTokens();

    @RegisterExtension
    static final NodeExtension withoutTokens = edgeNode();

    /** Asks {@code QUESTION} in a new session (with {@code token}, or none) and returns the answer's last message. */
    private static JsonObject askAlone(Vertx vertx, String token) throws Exception {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(GatewayTestAccess.port(vertx))
                .setURI("/ws");
        if (token != null) {
            options.addHeader("Authorization", "Bearer " + token);
        }
        try (SessionClient s = SessionClient.connect(vertx, options)) {
            s.next("welcome", 5000);
            s.sendText(new JsonObject().put("type", "ask").put("text", QUESTION).encode());
            while (true) {
                JsonObject ai = s.next("ai", 10_000);
                if (ai.getBoolean("done")) {
                    return ai;
                }
            }
        }
    }

    private static boolean cached(JsonObject done) {
        JsonObject stats = done.getJsonObject("stats");
        return stats != null && stats.getBoolean("cached", false);
    }

    @Test
    @DisplayName("with authentication, B asking A's question gets Ollama's answer, and A asking again gets the cache")
    void cachedPerUser() throws Exception {
        Vertx vertx = withTokens.vertx();
        FakeOllama ollama = withTokens.ollama();
        TokenIssuer issuer = withTokens.tokens();
        assertFalse(cached(askAlone(vertx, issuer.token("alice"))));
        assertEquals(1, ollama.requests.size());
        JsonObject bob = askAlone(vertx, issuer.token("bob"));
        assertFalse(cached(bob), "alice's answer is not bob's: " + bob.encode());
        assertEquals(2, ollama.requests.size(), "bob's question went to Ollama");
        JsonObject again = askAlone(vertx, issuer.token("alice"));
        assertTrue(cached(again), "alice's own question is answered from the cache: " + again.encode());
        assertEquals(2, ollama.requests.size());
    }

    @Test
    @DisplayName("without authentication nothing is cached: every client's question goes to Ollama")
    void noCacheWithoutAuthentication() throws Exception {
        for (int i = 1; i <= 3; i++) {
            JsonObject done = askAlone(withoutTokens.vertx(), null);
            assertFalse(cached(done), "answer " + i + ": " + done.encode());
            assertEquals(i, withoutTokens.ollama().requests.size());
        }
    }
}

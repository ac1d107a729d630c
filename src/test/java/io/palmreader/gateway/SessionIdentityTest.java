package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who a session is and for how long, behind a trusted proxy (127.0.0.1) with tokens required: a token must name its
 * subject, a session lasts as long as its token unless a {@code hello} renews it, question limits follow the subject
 * across connections, and per-address limits count an IPv6 client by its /64. Each test uses addresses of its own.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName(
        "Session identity: subjects, token expiry and renewal, per-subject limits, IPv6 /64 and pending connections")
class SessionIdentityTest {

    private static final int MAX_UNAUTHENTICATED_PER_ADDRESS = 2;

    /** A long hello deadline: connections waiting to authenticate hold their slots for as long as a test needs. */
    @RegisterExtension
    static final NodeExtension node = ProxiedNode.node(new JsonObject()
            .put(
                    "auth",
                    new JsonObject()
                            .put("helloTimeoutMs", 30_000)
                            .put("maxUnauthenticatedPerAddress", MAX_UNAUTHENTICATED_PER_ADDRESS))
            .put("session", new JsonObject().put("maxSessionsPerAddress", 1)));

    private Vertx vertx;
    private TokenIssuer issuer;

    @BeforeAll
    void clients() {
        vertx = node.vertx();
        issuer = node.tokens();
    }

    /** An upgrade through the proxy for {@code forwardedFor}, with {@code token} in the subprotocol list (null: none). */
    private WebSocketConnectOptions upgrade(String token, String forwardedFor) {
        return ProxiedNode.upgrade(node, token, forwardedFor);
    }

    private static String hello(String token) {
        return new JsonObject().put("type", "hello").put("token", token).encode();
    }

    /** The token's {@code exp}, in ms since the epoch. */
    private static long expiryMs(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return new JsonObject(payload).getLong("exp") * 1000;
    }

    @Test
    @DisplayName("a token without a string sub, or with an empty one, gets 401 on the upgrade and 1008 in a hello")
    void tokensMustNameTheirSubject() throws Exception {
        String noSub = issuer.signed(new JsonObject(), 3600L);
        assertEquals(401, SessionClient.refusedStatus(vertx, upgrade(noSub, "198.51.100.1")));
        assertEquals(401, SessionClient.refusedStatus(vertx, upgrade(issuer.token("", 3600L, null), "198.51.100.1")));
        assertEquals(
                401,
                SessionClient.refusedStatus(
                        vertx, upgrade(issuer.signed(new JsonObject().put("sub", 42), 3600L), "198.51.100.1")));
        try (SessionClient c = SessionClient.connect(vertx, upgrade(null, "198.51.100.2"))) {
            c.sendText(hello(noSub));
            assertEquals("1008 token refused: no subject (sub)", c.awaitClose(10_000));
        }
        try (SessionClient named = SessionClient.connect(vertx, upgrade(issuer.token("someone"), "198.51.100.3"))) {
            named.next("welcome", 5000);
        }
    }

    @Test
    @DisplayName("a session ends with 1008 token_expired when its token's exp passes")
    void sessionEndsAtExpiry() throws Exception {
        String token = issuer.token("short-lived", 2L, null);
        try (SessionClient c = SessionClient.connect(vertx, upgrade(token, "198.51.100.10"))) {
            c.next("welcome", 5000);
            assertEquals("1008 " + TokenDeadline.EXPIRED, c.awaitClose(15_000));
        }
    }

    @Test
    @DisplayName("a hello with a fresh token of the same subject before exp keeps the session open past the first exp")
    void helloRenewsTheToken() throws Exception {
        String first = issuer.token("renewer", 3L, null);
        try (SessionClient c = SessionClient.connect(vertx, upgrade(first, "198.51.100.20"))) {
            c.next("welcome", 5000);
            c.sendText(hello(issuer.token("renewer", 3600L, null)));
            c.next("welcome", 5000);
            // Past the first token's exp, with a margin for the timer that would have closed the session then.
            long wait = expiryMs(first) + 1500 - System.currentTimeMillis();
            if (wait > 0) {
                vertx.timer(wait).await(30, TimeUnit.SECONDS);
            }
            assertNull(c.closeStatus(), "still open past the first token's exp");
            c.sendText(new JsonObject().put("type", "ping").put("ts", 1).encode());
            c.next("pong", 5000);
        }
    }

    @Test
    @DisplayName("a hello with another subject's token, or one that does not verify, ends the session with 1008")
    void renewalMustBeTheSameSubjects() throws Exception {
        try (SessionClient c = SessionClient.connect(vertx, upgrade(issuer.token("alice"), "198.51.100.30"))) {
            c.next("welcome", 5000);
            c.sendText(hello(issuer.token("mallory")));
            String closed = c.awaitClose(10_000);
            assertTrue(closed != null && closed.startsWith("1008 token refused: another subject"), closed);
        }
        try (SessionClient c = SessionClient.connect(vertx, upgrade(issuer.token("bob"), "198.51.100.31"))) {
            c.next("welcome", 5000);
            c.sendText(hello(new TokenIssuer(vertx, "another-secret-entirely-of-32-characters-or-more").token("bob")));
            String closed = c.awaitClose(10_000);
            assertTrue(closed != null && closed.startsWith("1008 token refused: bad signature"), closed);
        }
    }

    @Test
    @DisplayName("asksPerMinute counts per subject: a reconnect does not reset it")
    void asksCountPerSubject() throws Exception {
        JsonObject twoAMinute = new JsonObject().put("asksPerMinute", 2);
        String ask =
                new JsonObject().put("type", "ask").put("text", "what now?").encode();
        try (SessionClient first =
                SessionClient.connect(vertx, upgrade(issuer.token("asker", 3600L, twoAMinute), "198.51.100.40"))) {
            first.next("welcome", 5000);
            first.sendText(ask);
            first.sendText(ask);
            // Messages of a session are handled in order: the pong says both questions were counted.
            first.sendText(new JsonObject().put("type", "ping").put("ts", 1).encode());
            first.next("pong", 5000);
            assertTrue(
                    first.skipped().stream().noneMatch(m -> "rate_limited".equals(m.getString("code"))),
                    "two questions are within the limit: " + first.skipped());
        }
        try (SessionClient again =
                SessionClient.connect(vertx, upgrade(issuer.token("asker", 3600L, twoAMinute), "198.51.100.41"))) {
            again.next("welcome", 5000);
            again.sendText(ask);
            JsonObject limited = again.next("error", 5000);
            assertEquals("rate_limited", limited.getString("code"), limited.encode());
            assertTrue(
                    limited.getLong("retryAfterMs") > 0 && limited.getLong("retryAfterMs") <= 60_000, limited.encode());
        }
    }

    @Test
    @DisplayName("two IPv6 addresses in one /64 share maxSessionsPerAddress: the second gets 429, another /64 does not")
    void ipv6CountsByItsSlash64() throws Exception {
        try (SessionClient a = SessionClient.connect(vertx, upgrade(issuer.token("v6-a"), "2001:db8:1:2::1"))) {
            a.next("welcome", 5000);
            assertEquals(
                    429, SessionClient.refusedStatus(vertx, upgrade(issuer.token("v6-b"), "2001:db8:1:2:ffff::9")));
            try (SessionClient c = SessionClient.connect(vertx, upgrade(issuer.token("v6-c"), "2001:db8:1:3::1"))) {
                c.next("welcome", 5000);
            }
        }
    }

    @Test
    @DisplayName("connections waiting for their hello are capped per address (429); another address still gets in; "
            + "slots come back as they close")
    void pendingConnectionsPerAddress() throws Exception {
        List<SessionClient> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_UNAUTHENTICATED_PER_ADDRESS; i++) {
                waiting.add(SessionClient.connect(vertx, upgrade(null, "198.51.100.50")));
            }
            assertEquals(429, SessionClient.refusedStatus(vertx, upgrade(null, "198.51.100.50")));
            try (SessionClient other = SessionClient.connect(vertx, upgrade(null, "198.51.100.51"))) {
                assertNull(other.closeStatus());
            }
            waiting.remove(0).close();
            // The slot comes back once the server has seen the close, a moment after the client's.
            Eventually.await(vertx, 10_000, "a waiting connection from the address again", () -> {
                waiting.add(SessionClient.connect(vertx, upgrade(null, "198.51.100.50")));
                return true;
            });
        } finally {
            waiting.forEach(SessionClient::close);
        }
    }
}

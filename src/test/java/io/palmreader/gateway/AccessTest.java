package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node with tokens required, an origin allow-list, per-address session limits and /metrics on its own port. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Access: tokens, origins, session limits, security headers, CORS and a private metrics port")
class AccessTest {

    private static final String ORIGIN = "https://app.example";

    /** A hello deadline of 3 s: a connection that sends no token is closed then. */
    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
                    .put("http", new JsonObject().put("allowedOrigins", ORIGIN))
                    .put(
                            "auth",
                            new JsonObject()
                                    .put("issuer", "palmreader-test")
                                    .put("audience", "palmreader")
                                    .put("helloTimeoutMs", 3000))
                    .put(
                            "session",
                            new JsonObject().put("maxSessionsPerAddress", 4).put("maxTextBytes", 1024))
                    .put("metrics", new JsonObject().put("port", metricsPort()).put("host", "127.0.0.1"))
                    .put("inference", new JsonObject().put("workers", 1).put("opencvThreads", 1)))
            .withTokens();

    private Vertx vertx;
    private int port;
    private JWTAuth issuer;
    private JWTAuth stranger;
    private HttpClient http;

    private static int metricsPort() {
        try {
            return NodeExtension.freePort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    void clients() {
        vertx = node.vertx();
        port = node.port();
        issuer = signer(node.secret());
        stranger = signer(TokenIssuer.randomSecret());
        http = vertx.createHttpClient();
    }

    private JWTAuth signer(String secret) {
        return JWTAuth.create(
                vertx,
                new JWTAuthOptions()
                        .addPubSecKey(
                                new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    }

    private String token(JWTAuth by, String audience, int expiresInSeconds, JsonObject extra) {
        long now = System.currentTimeMillis() / 1000;
        JsonObject claims = new JsonObject()
                .put("sub", "user-1")
                .put("iat", now - 120)
                .put("exp", now + expiresInSeconds)
                .mergeIn(extra);
        return by.generateToken(
                claims,
                new JWTOptions()
                        .setIssuer("palmreader-test")
                        .setAudience(List.of(audience))
                        .setNoTimestamp(true));
    }

    private String valid() {
        return token(issuer, "palmreader", 300, new JsonObject());
    }

    private WebSocketConnectOptions upgrade(String uri) {
        // Like a non-browser client: no Origin unless a test sets one (Vert.x would send its own).
        return new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(uri)
                .setAllowOriginHeader(false);
    }

    private WebSocketConnectOptions withToken(String token) {
        return upgrade("/ws").setSubProtocols(List.of(TokenVerifier.SUBPROTOCOL, "bearer." + token));
    }

    private int refusedWith(WebSocketConnectOptions options) {
        return SessionClient.refusedStatus(vertx, options);
    }

    @Test
    @DisplayName("a valid token in Sec-WebSocket-Protocol opens a session; the server selects 'palmreader'")
    void tokenInSubprotocol() throws Exception {
        try (SessionClient c = SessionClient.connect(vertx, withToken(valid()))) {
            c.next("welcome", 5000);
            assertEquals(TokenVerifier.SUBPROTOCOL, c.subProtocol());
            c.sendFrame(1, GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg"));
            assertEquals(
                    "Thumb_Up",
                    c.next("hands", 30_000)
                            .getJsonArray("hands")
                            .getJsonObject(0)
                            .getString("gesture"));
        }
    }

    @Test
    @DisplayName("bad signature, expired, wrong audience, token in the URL: 401 before the upgrade")
    void refusedTokens() {
        assertEquals(401, refusedWith(withToken(token(stranger, "palmreader", 300, new JsonObject()))));
        assertEquals(401, refusedWith(withToken(token(issuer, "palmreader", -60, new JsonObject()))));
        assertEquals(401, refusedWith(withToken(token(issuer, "someone-else", 300, new JsonObject()))));
        assertEquals(401, refusedWith(withToken("not.a.jwt")));
        assertEquals(401, refusedWith(upgrade("/ws?access_token=" + valid())));
    }

    @Test
    @DisplayName("an Origin not on the allow-list gets 403, even with a valid token; the listed one is let in")
    void origins() throws Exception {
        assertEquals(
                403,
                refusedWith(withToken(valid()).setAllowOriginHeader(true).addHeader("Origin", "https://evil.example")));
        try (SessionClient c = SessionClient.connect(
                vertx, withToken(valid()).setAllowOriginHeader(true).addHeader("Origin", ORIGIN))) {
            c.next("welcome", 5000);
        }
    }

    @Test
    @DisplayName(
            "without a token on the upgrade: a hello with a valid one opens the session, else 1008 with the reason")
    void tokenInHello() throws Exception {
        try (SessionClient c = SessionClient.connect(vertx, upgrade("/ws"))) {
            c.sendText(new JsonObject()
                    .put("type", "hello")
                    .put("token", valid())
                    .put("model", "lite")
                    .encode());
            c.next("welcome", 5000);
            // The session opens with the node's settings, then takes the hello's, as for any hello.
            JsonObject configured = c.next("welcome", 5000);
            assertEquals("lite", configured.getJsonObject("limits").getString("model"));
        }
        try (SessionClient c = SessionClient.connect(vertx, upgrade("/ws"))) {
            c.sendText(new JsonObject()
                    .put("type", "hello")
                    .put("token", token(stranger, "palmreader", 300, new JsonObject()))
                    .encode());
            String closed = c.awaitClose(5000);
            assertTrue(closed != null && closed.startsWith("1008 token refused: bad signature"), closed);
        }
        try (SessionClient c = SessionClient.connect(vertx, upgrade("/ws"))) {
            c.sendFrame(1, GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg"));
            String closed = c.awaitClose(5000);
            assertTrue(closed != null && closed.startsWith("1008 authentication required"), closed);
        }
        try (SessionClient c = SessionClient.connect(vertx, upgrade("/ws"))) {
            String closed = c.awaitClose(30_000);
            assertTrue(closed != null && closed.startsWith("1008 authentication required"), "silence: " + closed);
        }
    }

    @Test
    @DisplayName("limits in the token's claims replace the node's for that session")
    void claimLimits() throws Exception {
        String limited = token(
                issuer,
                "palmreader",
                300,
                new JsonObject()
                        .put("palmreader", new JsonObject().put("maxFps", 5).put("asksPerMinute", 2)));
        try (SessionClient c = SessionClient.connect(vertx, withToken(limited))) {
            assertEquals(5, c.next("welcome", 5000).getJsonObject("limits").getInteger("maxFps"));
        }
    }

    @Test
    @DisplayName(
            "sessions per address are capped (429 beyond); a text message over the limit is refused and the session goes on")
    void sessionAndTextLimits() throws Exception {
        List<SessionClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                SessionClient c = SessionClient.connect(vertx, withToken(valid()));
                c.next("welcome", 5000);
                open.add(c);
            }
            assertEquals(429, refusedWith(withToken(valid())));
            SessionClient first = open.get(0);
            first.sendText(new JsonObject()
                    .put("type", "ask")
                    .put("text", "x".repeat(2000))
                    .encode());
            JsonObject error = first.next("error", 5000);
            assertEquals("bad_message", error.getString("code"));
            assertTrue(error.getString("message").contains("1024"), error.encode());
            first.sendText(new JsonObject().put("type", "ping").encode());
            first.next("pong", 5000);
        } finally {
            open.forEach(SessionClient::close);
        }
        // The slots come back as the sessions close.
        // The slots come back as the closed sessions end on the server, a moment after the client's close.
        Eventually.await(vertx, 5000, "a session from the address again", () -> {
            try (SessionClient again = SessionClient.connect(vertx, withToken(valid()))) {
                again.next("welcome", 5000);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private HttpClientResponse get(int onPort, String uri, String origin) throws Exception {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(onPort)
                .setURI(uri);
        if (origin != null) {
            options.addHeader("Origin", origin);
        }
        return http.request(options)
                .compose(r -> r.send().compose(resp -> resp.body().map(b -> resp)))
                .await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("the page carries a CSP allowing only itself; CORS for the REST API follows the allow-list")
    void headers() throws Exception {
        HttpClientResponse page = get(port, "/", null);
        assertEquals(200, page.statusCode());
        assertEquals(SecurityHeaders.CONTENT_SECURITY_POLICY, page.getHeader("Content-Security-Policy"));
        assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
        assertEquals("DENY", page.getHeader("X-Frame-Options"));
        HttpClientResponse allowed = get(port, "/api/health/live", ORIGIN);
        assertEquals(200, allowed.statusCode());
        assertEquals(ORIGIN, allowed.getHeader("Access-Control-Allow-Origin"));
        HttpClientResponse other = get(port, "/api/health/live", "https://evil.example");
        assertNull(other.getHeader("Access-Control-Allow-Origin"));
    }

    @Test
    @DisplayName("/metrics is served on its own port only, with refusals counted by reason")
    void privateMetrics() throws Exception {
        assertEquals(401, refusedWith(withToken("not.a.jwt")));
        assertEquals(404, get(port, "/metrics", null).statusCode());
        // Served from the metrics port, the one the configuration names.
        double refused =
                node.metrics().sum("palmreader_connections_refused_total", Map.of("reason", "unauthenticated"));
        assertTrue(refused > 0, "unauthenticated upgrades counted: " + refused);
    }
}

package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.NodeExtension;
import io.palmreader.vision.ManyScanJpegs;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
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

/**
 * A node as a deployment behind a balancer runs it: tokens required, 127.0.0.1 a trusted proxy, one session per
 * client address, a 2 s HTTP idle time-out. Each check fails without the hardening it names.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Hardening: client addresses behind a proxy, token lifetimes, slow clients, resume tokens, text floods")
class HardeningTest {

    /** The hello deadline is one of the limits checked here: a connection still to authenticate is closed at it. */
    @RegisterExtension
    static final NodeExtension node = ProxiedNode.node(new JsonObject()
            .put("http", new JsonObject().put("idleTimeoutMs", 2000))
            .put("auth", new JsonObject().put("helloTimeoutMs", 3000))
            .put("session", new JsonObject().put("maxSessionsPerAddress", 1)));

    private Vertx vertx;
    private int port;
    private TokenIssuer issuer;

    @BeforeAll
    void clients() {
        vertx = node.vertx();
        port = node.port();
        issuer = node.tokens();
    }

    private String token(String subject, Long seconds, JsonObject palmreader) {
        return issuer.token(subject, seconds, palmreader);
    }

    /** An upgrade through the proxy for {@code forwardedFor}, with {@code token} in the subprotocol list. */
    private WebSocketConnectOptions upgrade(String token, String forwardedFor) {
        return ProxiedNode.upgrade(node, token, forwardedFor);
    }

    private int refusedWith(WebSocketConnectOptions options) {
        return SessionClient.refusedStatus(vertx, options);
    }

    @Test
    @DisplayName("a token with exp opens a session; one without exp, or valid for 400 days, gets 401")
    void tokenLifetimes() throws Exception {
        try (SessionClient c = SessionClient.connect(vertx, upgrade(token("user-exp", 3600L, null), "198.51.100.20"))) {
            c.next("welcome", 5000);
        }
        assertEquals(401, refusedWith(upgrade(token("user-noexp", null, null), "198.51.100.21")));
        assertEquals(401, refusedWith(upgrade(token("user-400d", 400L * 86_400, null), "198.51.100.22")));
    }

    @Test
    @DisplayName("through the trusted proxy each forwarded address gets its session; a second from one gets 429")
    void forwardedAddresses() throws Exception {
        try (SessionClient a = SessionClient.connect(vertx, upgrade(token("a", 3600L, null), "203.0.113.1"));
                SessionClient b = SessionClient.connect(vertx, upgrade(token("b", 3600L, null), "203.0.113.2"))) {
            a.next("welcome", 5000);
            b.next("welcome", 5000);
            assertEquals(429, refusedWith(upgrade(token("c", 3600L, null), "203.0.113.1")));
        }
    }

    @Test
    @DisplayName("a connection still to authenticate takes no session slot of its address")
    void unauthenticatedTakesNoSlot() throws Exception {
        WebSocketConnectOptions noToken = new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/ws")
                .setAllowOriginHeader(false)
                .addHeader("X-Forwarded-For", "203.0.113.30");
        try (SessionClient waiting = SessionClient.connect(vertx, noToken);
                SessionClient real = SessionClient.connect(vertx, upgrade(token("d", 3600L, null), "203.0.113.30"))) {
            real.next("welcome", 5000);
            assertNotNull(waiting.awaitClose(10_000), "the silent one is closed at its hello deadline");
        }
    }

    @Test
    @DisplayName("claims may lower the node's limits, never raise them")
    void claimsOnlyLower() throws Exception {
        try (SessionClient high = SessionClient.connect(
                vertx, upgrade(token("e", 3600L, new JsonObject().put("maxFps", 1000)), "203.0.113.40"))) {
            assertEquals(60, high.next("welcome", 5000).getJsonObject("limits").getInteger("maxFps"));
        }
        try (SessionClient none = SessionClient.connect(
                vertx,
                upgrade(
                        token("f", 3600L, new JsonObject().put("maxFps", 5).put("asksPerMinute", 0)),
                        "203.0.113.41"))) {
            assertEquals(5, none.next("welcome", 5000).getJsonObject("limits").getInteger("maxFps"));
            none.sendText(
                    new JsonObject().put("type", "ask").put("text", "may I?").encode());
            assertEquals(
                    "rate_limited", none.next("error", 5000).getString("code"), "0 questions is none, not unlimited");
        }
    }

    @Test
    @DisplayName("a resume token serves its own subject once, and the resumed session gets a new one")
    void resumeTokensAreTheSubjectsAndSingleUse() throws Exception {
        String resumeToken;
        try (SessionClient first = SessionClient.connect(vertx, upgrade(token("owner", 3600L, null), "203.0.113.50"))) {
            resumeToken = first.next("welcome", 5000).getString("resumeToken");
        }
        String hello =
                new JsonObject().put("type", "hello").put("resume", resumeToken).encode();
        try (SessionClient thief = SessionClient.connect(vertx, upgrade(token("thief", 3600L, null), "203.0.113.51"))) {
            thief.next("welcome", 5000);
            thief.sendText(hello);
            assertEquals(
                    "bad_message", thief.next("error", 5000).getString("code"), "another subject cannot resume it");
        }
        // The thief's attempt used the token up: a stolen token is worth one try, and the owner starts afresh.
        try (SessionClient owner = SessionClient.connect(vertx, upgrade(token("owner", 3600L, null), "203.0.113.52"))) {
            owner.next("welcome", 5000);
            owner.sendText(hello);
            assertEquals("bad_message", owner.next("error", 5000).getString("code"));
        }
        String second;
        try (SessionClient again = SessionClient.connect(vertx, upgrade(token("owner", 3600L, null), "203.0.113.53"))) {
            second = again.next("welcome", 5000).getString("resumeToken");
        }
        String resumeSecond =
                new JsonObject().put("type", "hello").put("resume", second).encode();
        try (SessionClient owner = SessionClient.connect(vertx, upgrade(token("owner", 3600L, null), "203.0.113.54"))) {
            String fresh = owner.next("welcome", 5000).getString("resumeToken");
            owner.sendText(resumeSecond);
            JsonObject resumed = owner.next("welcome", 5000);
            assertEquals(true, resumed.getBoolean("resumed"));
            assertEquals(fresh, resumed.getString("resumeToken"), "the resumed session's own, new token");
            owner.sendText(resumeSecond);
            assertEquals("bad_message", owner.next("error", 5000).getString("code"), "a resume token serves once");
        }
    }

    @Test
    @DisplayName("a flood of text messages is rate limited, and the session carries on")
    void textFlood() throws Exception {
        try (SessionClient c = SessionClient.connect(vertx, upgrade(token("g", 3600L, null), "203.0.113.60"))) {
            c.next("welcome", 5000);
            for (int i = 0; i < 30; i++) {
                c.sendText(new JsonObject().put("type", "ping").put("ts", i).encode());
            }
            assertEquals("rate_limited", c.next("error", 5000).getString("code"));
            assertNotNull(c.next("pong", 5000));
            assertEquals(null, c.closeStatus());
        }
    }

    @Test
    @DisplayName("20 connections that send half a request are closed at the HTTP idle time-out and counted; a session "
            + "carries on")
    void halfRequestsAreClosed() throws Exception {
        try (SessionClient live = SessionClient.connect(vertx, upgrade(token("h", 3600L, null), "203.0.113.70"))) {
            live.next("welcome", 5000);
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    OutputStream out = s.getOutputStream();
                    out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    // Far past the 2 s idle time-out: without it a half-sent request would be held open for good.
                    s.setSoTimeout(30_000);
                    slow.add(s);
                }
                for (Socket s : slow) {
                    InputStream in = s.getInputStream();
                    try {
                        assertEquals(-1, in.read(), "closed without an answer");
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("a half-sent request was still open after 30 s");
                    }
                }
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
            live.sendText(new JsonObject().put("type", "ping").put("ts", 1).encode());
            assertNotNull(live.next("pong", 5000), "the real session carries on");
        }
        double incomplete =
                node.metrics().sum("palmreader_connections_refused_total", Map.of("reason", "incomplete_request"));
        assertTrue(incomplete >= 20, "counted: " + incomplete);
        String health = vertx.createHttpClient()
                .request(HttpMethod.GET, port, "127.0.0.1", "/api/health")
                .compose(r -> r.send().compose(resp -> resp.body()))
                .map(Object::toString)
                .await(10, TimeUnit.SECONDS);
        assertFalse(health.contains("http://") || health.contains("reason") || health.contains("worker"), health);
    }

    @Test
    @DisplayName("a 6 MP header and a JPEG of 300 scans are refused at the gateway; no worker sees either")
    void decodeBombsNeverReachAWorker() throws Exception {
        try (SessionClient c = SessionClient.connect(vertx, upgrade(token("i", 3600L, null), "203.0.113.80"))) {
            c.next("welcome", 5000);
            double processed = node.metrics().sum("palmreader_frames_processed_total");
            c.sendFrame(1, jpegDeclaring(3000, 2000, 1));
            JsonObject pixels = c.next("error", 5000);
            assertTrue(pixels.getString("message").contains("pixels"), pixels.encode());
            c.sendFrame(2, jpegDeclaring(64, 64, 300));
            JsonObject scans = c.next("error", 5000);
            assertTrue(scans.getString("message").contains("scans"), scans.encode());
            c.sendFrame(3, GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg"));
            assertEquals(3, c.next("hands", 10_000).getLong("seq"));
            assertEquals(
                    processed + 1,
                    node.metrics().sum("palmreader_frames_processed_total"),
                    "only the photo was processed");
        }
    }

    @Test
    @DisplayName("a photo with 300 more scans behind a TEM marker is refused at the gateway; no worker sees it")
    void scansBehindTemNeverReachAWorker() throws Exception {
        byte[] photo = GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg");
        byte[] hidden = ManyScanJpegs.behindTem(ManyScanJpegs.progressive(photo), 300);
        try (SessionClient c = SessionClient.connect(vertx, upgrade(token("j", 3600L, null), "203.0.113.81"))) {
            c.next("welcome", 5000);
            double processed = node.metrics().sum("palmreader_frames_processed_total");
            c.sendFrame(1, hidden);
            JsonObject scans = c.next("error", 5000);
            assertEquals("frame_too_large", scans.getString("code"), scans.encode());
            assertTrue(scans.getString("message").contains("scans"), scans.encode());
            c.sendFrame(2, photo);
            assertEquals(2, c.next("hands", 10_000).getLong("seq"));
            assertEquals(
                    processed + 1,
                    node.metrics().sum("palmreader_frames_processed_total"),
                    "only the photo was processed");
        }
    }

    /** A progressive JPEG's markers: a frame header of {@code width × height}, then {@code scans} one-byte scans. */
    private static byte[] jpegDeclaring(int width, int height, int scans) {
        Buffer b = Buffer.buffer()
                .appendBytes(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC2, 0, 17, 8})
                .appendUnsignedShort(height)
                .appendUnsignedShort(width)
                .appendBytes(new byte[] {3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1});
        for (int i = 0; i < scans; i++) {
            b.appendBytes(new byte[] {(byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0, 0, 0, 0, 0x2A});
        }
        return b.appendBytes(new byte[] {(byte) 0xFF, (byte) 0xD9}).getBytes();
    }
}

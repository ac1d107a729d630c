package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.NameLookups;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a client can do to a node before it holds any token, with the node set up as behind a balancer: tokens
 * required, 127.0.0.1 a trusted proxy.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Before any token: no compression to inflate, forwarded headers never resolved")
class UnauthenticatedClientTest {

    @RegisterExtension
    static final NodeExtension node = ProxiedNode.node(new JsonObject());

    private Vertx vertx;
    private int port;
    private TokenIssuer issuer;

    @BeforeAll
    void clients() {
        vertx = node.vertx();
        port = node.port();
        issuer = node.tokens();
    }

    /** Sends a raw upgrade request and returns the response head, the socket left open. */
    static String upgrade(Socket socket, int port, String... headers) throws Exception {
        StringBuilder request = new StringBuilder("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n");
        for (String h : headers) {
            request.append(h).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        socket.setSoTimeout(15_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    @DisplayName("the upgrade never offers WebSocket compression, whatever the client asks for")
    void noCompressionOffered() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            String head = upgrade(
                    socket,
                    port,
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
                    "Sec-WebSocket-Extensions: x-webkit-deflate-frame");
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertFalse(head.toLowerCase(Locale.ROOT).contains("sec-websocket-extensions"), head);
        }
    }

    @Test
    @DisplayName(
            "hundreds of non-literal X-Forwarded-For hops from the trusted proxy: no name is looked up, and served")
    void forwardedHopsAreNeverResolved() throws Exception {
        StringBuilder hops = new StringBuilder();
        String[] garbage = {
            "999.1.1.1",
            "1.2.3.4.5",
            "palmreader-lookup-probe.invalid",
            "300.300.300.300",
            "1.2.3",
            "::ffff:999.1.1.1",
            "fe80::1%lo",
            "[1.2.3.4]",
            "0x7f.1",
            "localhost"
        };
        for (int i = 0; hops.length() < 7000; i++) {
            hops.append(i == 0 ? "" : ", ").append(garbage[i % garbage.length]);
        }
        WebSocketConnectOptions options = ProxiedNode.upgrade(node, issuer.token("hops"), hops.toString())
                .addHeader("Forwarded", "for=palmreader-lookup-probe.invalid, for=\"[999::1::2]\"");
        try (NameLookups lookups = NameLookups.record()) {
            // The recorder sees a lookup when there is one (else this test could not fail).
            try {
                InetAddress.getByName("999.1.1.1");
            } catch (UnknownHostException expected) {
                // no such host: the lookup still happened
            }
            assertEquals(List.of("999.1.1.1"), lookups.names(), "the recorder sees lookups");
            try (SessionClient c = SessionClient.connect(vertx, options)) {
                assertNotEquals(null, c.next("welcome", 10_000));
                c.sendFrame(1, GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg"));
                c.next("hands", 10_000);
            }
            List<String> looked = lookups.names();
            assertEquals(
                    1,
                    looked.size(),
                    () -> (looked.size() - 1) + " name lookups on the request path, the first "
                            + looked.subList(1, Math.min(6, looked.size())));
        }
    }

    @Test
    @DisplayName("no message repeats more than 64 characters of what the client sent")
    void refusalsQuoteLittle() throws Exception {
        String big = "y".repeat(15_000);
        WebSocketConnectOptions options = ProxiedNode.upgrade(node, issuer.token("echo"), null);
        List<String> sent = List.of(
                new JsonObject().put("type", big).encode(),
                new JsonObject().put("type", "forget").put("name", big).encode(),
                new JsonObject().put("type", "teach").put("name", big).encode(),
                new JsonObject()
                        .put("type", "teach")
                        .put("name", "wave2")
                        .put("frames", big)
                        .encode(),
                new JsonObject().put("type", "hello").put("model", big).encode(),
                new JsonObject().put("type", "hello").put("maxHands", big).encode());
        try (SessionClient c = SessionClient.connect(vertx, options)) {
            c.next("welcome", 10_000);
            for (String message : sent) {
                c.sendText(message);
                JsonObject error = c.next("error", 10_000);
                String encoded = error.encode();
                assertFalse(
                        encoded.contains("y".repeat(65)),
                        encoded.length() + " characters: " + encoded.substring(0, 120));
                assertTrue(encoded.length() < 400, encoded.length() + " characters");
            }
        }
    }
}

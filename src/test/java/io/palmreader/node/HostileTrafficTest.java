package io.palmreader.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.protocol.ClientFrame;
import io.palmreader.protocol.ProtocolSchema;
import io.palmreader.testing.NodeExtension;
import io.palmreader.testing.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node in its own JVM, tokens required, taking what an attacker sends before holding any token: its resident
 * memory is read from /proc, and its stop is timed from the SIGTERM.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName(
        "Hostile traffic before any token: an inflate bomb costs nothing, and SIGTERM still stops the node in time")
class HostileTrafficTest {

    /** A binary message of zeros that deflates to about a megabyte: one GiB once inflated. */
    private static final long INFLATED_BYTES = 1L << 30;

    private static final int STOP_TIMEOUT_MS = 4000;
    /** Beyond node.stopTimeoutMs, for the JVM to exit once the node has stopped: far less than the stuck frame's minute. */
    private static final int EXIT_MARGIN_MS = 5000;

    /** A node of each test's own, in its own JVM, with tokens required. */
    @RegisterExtension
    final NodeExtension nodes = NodeExtension.processes().withTokens();

    private Vertx vertx;
    private NodeProcess node;
    private int port;

    private void startNode(String id, JsonObject settings) throws Exception {
        JsonObject base = new JsonObject()
                .put("inference", new JsonObject().put("mode", "echo"))
                .put("assistant", new JsonObject().put("enabled", false))
                .put("node", new JsonObject().put("stopTimeoutMs", STOP_TIMEOUT_MS));
        node = nodes.startProcess(id, List.of("-Xms256m", "-Xmx2g"), base.mergeIn(settings, true))
                .awaitReady();
        port = node.httpPort();
        vertx = nodes.clients();
    }

    private String token(String subject) {
        return nodes.tokens().token(subject);
    }

    /** A session with a token, collecting what the server sends. */
    private BlockingQueue<JsonObject> session(String subject) throws Exception {
        BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        WebSocketClient client = vertx.createWebSocketClient();
        ClientWebSocket socket = client.webSocket();
        socket.textMessageHandler(t -> received.add(new JsonObject(t)));
        socket.connect(new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(port)
                        .setURI("/ws")
                        .setAllowOriginHeader(false)
                        .setSubProtocols(List.of("palmreader", "bearer." + token(subject))))
                .await(10, TimeUnit.SECONDS);
        sessions.add(socket);
        return received;
    }

    private final List<ClientWebSocket> sessions = new java.util.ArrayList<>();

    private static JsonObject next(BlockingQueue<JsonObject> received, String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JsonObject m = received.poll(1, TimeUnit.SECONDS);
            if (m != null) {
                ProtocolSchema.get().assertReceived(m.encode());
            }
            if (m != null && type.equals(m.getString("type"))) {
                return m;
            }
        }
        throw new AssertionError("no " + type + " within 20 s");
    }

    private static byte[] photo() throws IOException {
        try (InputStream in = HostileTrafficTest.class
                .getClassLoader()
                .getResourceAsStream("hands/thumbs_up/mpsamples_hand_thumb_up.jpg")) {
            return in.readAllBytes();
        }
    }

    /** permessage-deflate's form of a GiB of zeros: raw deflate, sync-flushed, without the 00 00 FF FF tail. */
    static byte[] deflatedZeros(long inflated) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[1 << 20];
        byte[] out = new byte[1 << 16];
        java.io.ByteArrayOutputStream deflated = new java.io.ByteArrayOutputStream();
        for (long fed = 0; fed < inflated; fed += zeros.length) {
            deflater.setInput(zeros);
            while (!deflater.needsInput()) {
                deflated.write(out, 0, deflater.deflate(out, 0, out.length, Deflater.NO_FLUSH));
            }
        }
        int n;
        while ((n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH)) > 0) {
            deflated.write(out, 0, n);
        }
        deflater.end();
        byte[] all = deflated.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4);
    }

    /**
     * Upgrades without a token, asking for permessage-deflate, and sends {@code payload} as one binary message flagged
     * compressed (RSV1), as a client would where the extension had been agreed. Returns what the server answered.
     */
    private String sendCompressed(byte[] payload) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                                    + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            byte[] mask = {0x11, 0x22, 0x33, 0x44};
            Buffer frame = Buffer.buffer()
                    .appendByte((byte) 0xC2)
                    .appendByte((byte) (0x80 | 127))
                    .appendLong(payload.length)
                    .appendBytes(mask);
            byte[] masked = payload.clone();
            for (int i = 0; i < masked.length; i++) {
                masked[i] ^= mask[i & 3];
            }
            try {
                out.write(frame.getBytes());
                out.write(masked);
                out.flush();
                // Whatever the server does with it, it has done once it answers or closes.
                while (in.read() >= 0) {
                    // drain to the close
                }
            } catch (IOException closedWhileSending) {
                // the server may close before taking it all
            }
            return head.toString();
        }
    }

    @Test
    @DisplayName("a deflated 1 MiB message (1 GiB inflated) moves resident memory by under 100 MB; a session beside it "
            + "keeps getting answers")
    void inflateBombCostsNothing() throws Exception {
        startNode("inflate-bomb", new JsonObject());
        byte[] bomb = deflatedZeros(INFLATED_BYTES);
        byte[] image = photo();
        BlockingQueue<JsonObject> good = session("well-behaved");
        next(good, "welcome");
        ClientWebSocket goodSocket = sessions.get(0);
        goodSocket
                .writeBinaryMessage(ClientFrame.encode(1, System.currentTimeMillis(), image))
                .await(5, TimeUnit.SECONDS);
        next(good, "hands");
        long before = node.residentBytes();
        String head = sendCompressed(bomb);
        long after = node.residentBytes();
        System.out.printf(
                "inflate bomb: %d bytes deflated; node resident %.1f -> %.1f MiB%n",
                bomb.length, before / 1048576.0, after / 1048576.0);
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        assertTrue(
                after - before < 100L * 1000 * 1000,
                String.format("resident memory grew %.1f MB", (after - before) / 1e6));
        for (int seq = 2; seq <= 4; seq++) {
            goodSocket
                    .writeBinaryMessage(ClientFrame.encode(seq, System.currentTimeMillis(), image))
                    .await(5, TimeUnit.SECONDS);
            next(good, "hands");
        }
    }

    @Test
    @DisplayName("SIGTERM with hostile clients connected and a frame stuck at a worker: the node exits within "
            + "node.stopTimeoutMs")
    void stopIsBounded() throws Exception {
        // Each frame holds the worker for a minute, and the gateway would wait as long for it.
        startNode(
                "bounded-stop",
                new JsonObject()
                        .put(
                                "inference",
                                new JsonObject().put("echoDelayMs", 60_000).put("maxQueueMs", 600_000)));
        BlockingQueue<JsonObject> stuck = session("stuck");
        next(stuck, "welcome");
        sessions.get(0)
                .writeBinaryMessage(ClientFrame.encode(1, System.currentTimeMillis(), photo()))
                .await(5, TimeUnit.SECONDS);
        // Hostile company: a compressed message, connections that never authenticate, a message never finished.
        sendCompressed(deflatedZeros(64L << 20));
        List<Socket> hostile = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.getOutputStream()
                    .write(("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                                    + (i % 2 == 0 ? "\u0082\u00fe" : ""))
                            .getBytes(StandardCharsets.ISO_8859_1));
            hostile.add(s);
        }
        // The next stats message comes after the gateway took the frame and handed it on.
        next(stuck, "stats");
        long start = System.nanoTime();
        node.terminate();
        // The stuck frame would hold the node for a minute and more; bounded, it exits at node.stopTimeoutMs, and the
        // margin is the JVM's own exit on a busy machine.
        boolean exited = node.awaitExit(STOP_TIMEOUT_MS + EXIT_MARGIN_MS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf(
                "bounded stop: exited %s after %d ms (node.stopTimeoutMs %d)%n", exited, tookMs, STOP_TIMEOUT_MS);
        for (Socket s : hostile) {
            s.close();
        }
        assertTrue(
                exited,
                "the node had not exited " + tookMs + " ms after SIGTERM (node.stopTimeoutMs " + STOP_TIMEOUT_MS + ")");
        String output = Files.readString(node.log());
        assertTrue(output.contains("still draining"), "the gateway closed the sessions it could not drain");
    }
}

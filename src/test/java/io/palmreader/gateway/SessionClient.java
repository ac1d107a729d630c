package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.protocol.ClientFrame;
import io.palmreader.protocol.ProtocolSchema;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client for tests: sends frames and text, and hands out what the server sent, in order. Every text
 * message it receives is validated against docs/asyncapi.yaml as it arrives; one that does not follow it fails the
 * test at its next {@link #nextOf}, {@link #awaitClose} or {@link #close} (or {@link #assertProtocolFollowed}), with
 * the message and the schema's complaint.
 */
public final class SessionClient implements AutoCloseable {

    private final WebSocketClient client;
    private final ClientWebSocket socket;
    private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    private final List<JsonObject> skipped = new ArrayList<>();
    /** Every text message received, as it came. */
    private final List<String> texts = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Why received messages do not follow the protocol's document, until a check reports them. */
    private final ConcurrentLinkedQueue<String> protocolViolations = new ConcurrentLinkedQueue<>();

    private volatile Short closeStatus;
    private volatile String closeReason;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    private SessionClient(WebSocketClient client, ClientWebSocket socket) {
        this.client = client;
        this.socket = socket;
        // Read here, not on the event loop, so that a document that does not load fails the test at once.
        ProtocolSchema protocol = ProtocolSchema.get();
        // Set before connecting: a message in the same packet as the upgrade's response cannot pass them by.
        // Each message is checked before anything can see it: a test that finds it received finds it checked.
        socket.textMessageHandler(t -> {
            protocolViolations.addAll(protocol.checkReceived(t));
            texts.add(t);
            received.add(new JsonObject(t));
        });
        socket.closeHandler(v -> {
            closeStatus = socket.closeStatusCode();
            closeReason = socket.closeReason();
            closed.countDown();
        });
    }

    public static SessionClient connect(Vertx vertx, int port) throws Exception {
        return connect(
                vertx,
                new WebSocketConnectOptions().setPort(port).setHost("127.0.0.1").setURI("/ws"));
    }

    /** Connects as {@code options} say (headers, subprotocols, URI); fails as the upgrade does. */
    /** The HTTP status a refused upgrade got; fails when the upgrade was not refused. */
    public static int refusedStatus(Vertx vertx, WebSocketConnectOptions options) {
        Exception e =
                assertThrows(Exception.class, () -> connect(vertx, options).close());
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        assertTrue(cause instanceof UpgradeRejectedException, "refused upgrade, got " + cause);
        return ((UpgradeRejectedException) cause).getStatus();
    }

    public static SessionClient connect(Vertx vertx, WebSocketConnectOptions options) throws Exception {
        // The client is kept: a collected WebSocketClient closes its sockets.
        WebSocketClient client = vertx.createWebSocketClient();
        SessionClient session = new SessionClient(client, client.webSocket());
        session.socket.connect(options).onFailure(e -> client.close()).await(10, TimeUnit.SECONDS);
        return session;
    }

    /** Waits for the server to close the connection; its status code and reason, or null on time-out. */
    public String awaitClose(long timeoutMs) throws InterruptedException {
        boolean done = closed.await(timeoutMs, TimeUnit.MILLISECONDS);
        assertProtocolFollowed();
        return done ? closeStatus + " " + closeReason : null;
    }

    /**
     * Fails with every message received since the last check that does not follow docs/asyncapi.yaml: the message and
     * what its schema says of it. Each is reported once.
     */
    public void assertProtocolFollowed() {
        List<String> found = new ArrayList<>();
        for (String v = protocolViolations.poll(); v != null; v = protocolViolations.poll()) {
            found.add(v);
        }
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " message(s) from the server do not follow "
                    + ProtocolSchema.DOCUMENT + ":\n" + String.join("\n", found));
        }
    }

    /** The subprotocol the server selected, if any. */
    public String subProtocol() {
        return socket.subProtocol();
    }

    public void sendFrame(long seq, byte[] image) throws Exception {
        socket.writeBinaryMessage(ClientFrame.encode(seq, System.currentTimeMillis(), image))
                .await(10, TimeUnit.SECONDS);
    }

    public void sendRaw(byte[] bytes) throws Exception {
        socket.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(bytes)).await(10, TimeUnit.SECONDS);
    }

    public void sendText(String text) throws Exception {
        socket.writeTextMessage(text).await(10, TimeUnit.SECONDS);
    }

    /**
     * The next message of {@code type}: the earliest one passed over before, else the next to arrive. Messages of other
     * types are kept for later calls and shown in failures.
     */
    public JsonObject next(String type, long timeoutMs) throws Exception {
        return nextOf(timeoutMs, type);
    }

    /** The next message of any of {@code types}, earliest first. */
    public JsonObject nextOf(long timeoutMs, String... types) throws Exception {
        java.util.Set<String> wanted = java.util.Set.of(types);
        assertProtocolFollowed();
        for (int i = 0; i < skipped.size(); i++) {
            if (wanted.contains(skipped.get(i).getString("type"))) {
                return skipped.remove(i);
            }
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            JsonObject m = left <= 0 ? null : received.poll(left, TimeUnit.MILLISECONDS);
            assertProtocolFollowed();
            if (m == null) {
                throw new AssertionError(
                        "none of " + wanted + " within " + timeoutMs + " ms; other messages: " + skipped);
            }
            if (wanted.contains(m.getString("type"))) {
                return m;
            }
            skipped.add(m);
        }
    }

    /** Every text message received so far, as it came, whether read or not. */
    public List<String> texts() {
        return texts;
    }

    public List<JsonObject> skipped() {
        return skipped;
    }

    public Short closeStatus() {
        return closeStatus;
    }

    /** Closes the connection; fails, as {@link #assertProtocolFollowed} does, for messages not reported yet. */
    @Override
    public void close() {
        socket.close();
        client.close();
        assertProtocolFollowed();
    }
}

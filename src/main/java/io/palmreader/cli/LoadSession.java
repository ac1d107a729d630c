package io.palmreader.cli;

import io.palmreader.protocol.ClientFrame;
import io.palmreader.protocol.ClientMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket session of a load run: connects, waits for its {@code welcome}, then offers a frame every
 * {@code 1/fps} seconds, sending it only while fewer than {@code inflight} frames are unanswered, as the protocol asks
 * of a client. Everything but {@link #stop()} runs on the event loop of the context that called {@link #start()}, so
 * its state needs no locks; counts go to the shared {@link LoadTally}.
 */
final class LoadSession {

    private static final Logger LOG = LoggerFactory.getLogger(LoadSession.class);

    /**
     * A frame unanswered this long is written off. The server answers every frame it accepts within its answer timeout
     * (5 s by default) or says why not, but drops some silently (over its rate limit, superseded, slow client); without
     * this a session would wait for those forever.
     */
    static final long LOST_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int index;
    private final Vertx vertx;
    private final WebSocketClient client;
    private final WebSocketConnectOptions target;
    private final byte[][] images;
    private final long periodNanos;
    private final long timerMs;
    private final int inflight;
    private final long stopSendingAtNanos;
    private final LoadTally tally;
    private final long askEveryMs;

    /** Sequence numbers and send times of unanswered frames; a handful at most, so searched linearly. */
    private final long[] pendingSeq;

    private final long[] pendingSentNanos;
    private int pending;

    private volatile WebSocket socket;
    private volatile boolean stopping;
    private boolean sending;
    private long nextSeq;
    private int nextImage;
    private long nextDueNanos;
    private long lastServerDropped;

    /**
     * @param stopSendingAtNanos {@link System#nanoTime()} at which the session stops offering frames
     */
    LoadSession(
            int index,
            Vertx vertx,
            WebSocketClient client,
            WebSocketConnectOptions target,
            byte[][] images,
            int fps,
            int inflight,
            long stopSendingAtNanos,
            LoadTally tally,
            long askEveryMs) {
        this.index = index;
        this.vertx = vertx;
        this.client = client;
        this.target = target;
        this.images = images;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / fps;
        // Vert.x timers count whole milliseconds; ticking at or below the period and sending when a frame is due keeps
        // the average rate exact (30 fps would otherwise be 30.3) without ever sending two frames at once.
        this.timerMs = Math.max(1, periodNanos / 1_000_000);
        this.inflight = inflight;
        this.stopSendingAtNanos = stopSendingAtNanos;
        this.tally = tally;
        this.askEveryMs = askEveryMs;
        this.pendingSeq = new long[inflight];
        this.pendingSentNanos = new long[inflight];
        // Sessions start on different photos, so the server does not see every session send the same one at once.
        this.nextImage = index % images.length;
    }

    /** Connects; call on the context whose event loop should carry this session. */
    void start() {
        ClientWebSocket ws = client.webSocket();
        // Handlers are set before connecting: a welcome in the same packet as the upgrade's response cannot pass them.
        ws.textMessageHandler(this::onText);
        ws.exceptionHandler(e -> LOG.debug("session {}: socket error: {}", index, e.toString()));
        ws.closeHandler(v -> onClosed(ws));
        ws.connect(target).onComplete(ar -> {
            if (ar.failed()) {
                LOG.debug("session {}: cannot connect: {}", index, ar.cause().toString());
                tally.connectFailed(ar.cause());
                return;
            }
            socket = ws;
            tally.connected();
            if (stopping) {
                ws.close();
            }
        });
    }

    /** Closes the socket; safe from any thread. Frames still unanswered are not counted as lost. */
    Future<Void> stop() {
        stopping = true;
        WebSocket ws = socket;
        return ws == null ? Future.succeededFuture() : ws.close();
    }

    private void onText(String text) {
        JsonObject message;
        try {
            message = new JsonObject(text);
        } catch (DecodeException e) {
            tally.error("unparseable_message");
            return;
        }
        String type = message.getValue("type") instanceof String t ? t : "";
        switch (type) {
            case "hands" -> onHands(message);
            case "error" -> onError(message);
            case "dropped" -> onDropped(message);
            case "stats" -> onStats(message);
            case "welcome" -> onWelcome(message);
            case "ai" -> {
                if (Boolean.TRUE.equals(message.getValue("done"))) {
                    tally.answerCompleted();
                }
            }
            case "ai_error" -> tally.error(message.getValue("code") instanceof String code ? code : "?");
            default -> {
                // gesture and pong carry nothing this client measures.
            }
        }
    }

    private void onWelcome(JsonObject welcome) {
        if (sending) {
            return;
        }
        sending = true;
        tally.welcomed(welcome.getJsonObject("limits", new JsonObject()));
        nextDueNanos = System.nanoTime();
        vertx.setPeriodic(1, timerMs, this::tick);
        if (askEveryMs > 0) {
            // Spread over the interval, so questions from all sessions do not arrive at once.
            vertx.setPeriodic(1 + (index * 997L) % askEveryMs, askEveryMs, this::ask);
        }
    }

    private void ask(long timerId) {
        WebSocket ws = socket;
        if (System.nanoTime() >= stopSendingAtNanos || stopping || !sending) {
            vertx.cancelTimer(timerId);
            return;
        }
        if (ws == null) {
            return;
        }
        ws.writeTextMessage(ClientMessages.ask("What gesture am I making?").encode());
        tally.asked();
    }

    private void tick(long timerId) {
        long now = System.nanoTime();
        if (now >= stopSendingAtNanos || stopping || !sending) {
            vertx.cancelTimer(timerId);
            return;
        }
        if (now < nextDueNanos) {
            return;
        }
        nextDueNanos += periodNanos;
        if (now - nextDueNanos > periodNanos) {
            // After a stall (an overloaded event loop, a GC pause) resume the pace rather than send the backlog at
            // once.
            nextDueNanos = now + periodNanos;
        }
        writeOffLost(now);
        if (pending >= inflight) {
            tally.skippedInflight();
            return;
        }
        WebSocket ws = socket;
        if (ws == null) {
            return; // the welcome came in before the connection's own completion ran: it is next
        }
        if (ws.writeQueueFull()) {
            tally.skippedWriteQueue();
            return;
        }
        long seq = nextSeq;
        nextSeq = (nextSeq + 1) & 0xFFFF_FFFFL;
        byte[] image = images[nextImage];
        nextImage = (nextImage + 1) % images.length;
        pendingSeq[pending] = seq;
        pendingSentNanos[pending] = now;
        pending++;
        ws.writeBinaryMessage(ClientFrame.encode(seq, System.currentTimeMillis(), image));
        tally.sent();
    }

    private void onHands(JsonObject hands) {
        long now = System.nanoTime();
        int i = pendingIndex(hands.getValue("seq"));
        if (i < 0) {
            tally.unmatched();
            return;
        }
        // The client's own monotonic clock, not captureTs: the same interval, but to the microsecond rather than the
        // millisecond, which matters on a fast local server.
        tally.answered((now - pendingSentNanos[i]) / 1e6);
        tally.ranOn(hands.getValue("model"), hands.getValue("rung"));
        removePending(i);
    }

    private void onError(JsonObject error) {
        tally.error(error.getValue("code") instanceof String code ? code : "?");
        // An error about a frame means no answer will come for it.
        int i = pendingIndex(error.getValue("seq"));
        if (i >= 0) {
            removePending(i);
        }
    }

    /** The server will not answer this frame (replaced, over a limit, no capacity): its slot is free again. */
    private void onDropped(JsonObject dropped) {
        int i = pendingIndex(dropped.getValue("seq"));
        if (i >= 0) {
            removePending(i);
        }
    }

    private void onStats(JsonObject stats) {
        long dropped = stats.getValue("dropped") instanceof Number n ? n.longValue() : lastServerDropped;
        tally.stats(Math.max(0, dropped - lastServerDropped));
        lastServerDropped = dropped;
    }

    private void onClosed(WebSocket ws) {
        sending = false;
        if (!stopping) {
            LOG.debug("session {}: closed by the server, status {}", index, ws.closeStatusCode());
            tally.closedByServer(ws.closeStatusCode());
            tally.lost(pending);
        }
        pending = 0;
    }

    private void writeOffLost(long now) {
        for (int i = pending - 1; i >= 0; i--) {
            if (now - pendingSentNanos[i] > LOST_AFTER_NANOS) {
                removePending(i);
                tally.lost(1);
            }
        }
    }

    private int pendingIndex(Object seq) {
        if (!(seq instanceof Number n)) {
            return -1;
        }
        long s = n.longValue();
        for (int i = 0; i < pending; i++) {
            if (pendingSeq[i] == s) {
                return i;
            }
        }
        return -1;
    }

    private void removePending(int i) {
        pending--;
        pendingSeq[i] = pendingSeq[pending];
        pendingSentNanos[i] = pendingSentNanos[pending];
    }
}

package io.palmreader.protocol;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * The one way a session's messages reach its client, with the socket's backpressure applied to every message type.
 * What only matters while fresh ({@code hands}, {@code stats}) is skipped for a client whose socket is backed up: the
 * next one supersedes it. Everything else ({@code ai} pieces, errors, gestures) must arrive, in order: it waits in a
 * bounded backlog until the socket drains, and a client that stops reading altogether is closed (1008) rather than
 * buffered without end.
 */
public final class ClientChannel {

    /** Messages worth sending only while they are the latest. */
    private static final Set<String> LATEST_ONLY = Set.of("hands", "stats");
    /**
     * A client this far behind, in characters of ordered messages waiting (a byte each for the ASCII JSON they mostly
     * are), is not reading. Counted in size, not messages, so that what a session can hold does not depend on how long
     * its messages are; a whole answer of {@code assistant.maxAnswerChars} in small pieces fits several times over.
     */
    static final int MAX_BACKLOG_CHARS = 256 * 1024;

    private final ServerWebSocket socket;
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private long backlogChars;
    private boolean closed;

    public ClientChannel(ServerWebSocket socket) {
        this.socket = socket;
        socket.drainHandler(v -> flush());
    }

    /**
     * Sends {@code message} as its type allows.
     *
     * @return false when it was skipped because the client is behind (a {@code hands} the next one supersedes)
     */
    public boolean send(JsonObject message) {
        if (closed) {
            return false;
        }
        boolean behind = socket.writeQueueFull() || !backlog.isEmpty();
        if (!behind) {
            socket.writeTextMessage(message.encode());
            return true;
        }
        if (LATEST_ONLY.contains(message.getString("type"))) {
            return false;
        }
        String encoded = message.encode();
        if (backlogChars + encoded.length() > MAX_BACKLOG_CHARS) {
            close((short) 1008, "client is not reading its messages");
            return false;
        }
        backlog.addLast(encoded);
        backlogChars += encoded.length();
        return true;
    }

    private void flush() {
        while (!closed && !backlog.isEmpty() && !socket.writeQueueFull()) {
            String next = backlog.pollFirst();
            backlogChars -= next.length();
            socket.writeTextMessage(next);
        }
    }

    /** Characters of ordered messages waiting for the client to read. */
    long backlogChars() {
        return backlogChars;
    }

    /** Closes the connection once; later messages are dropped. */
    public void close(short status, String reason) {
        if (!closed) {
            closed = true;
            backlog.clear();
            backlogChars = 0;
            socket.close(status, reason);
        }
    }

    /** Stops sending (the client went away); nothing is written after this. */
    public void closed() {
        closed = true;
        backlog.clear();
        backlogChars = 0;
    }
}

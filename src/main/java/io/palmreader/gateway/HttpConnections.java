package io.palmreader.gateway;

import io.palmreader.observability.PalmreaderMetrics;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP connections open on one gateway instance: past {@code http.maxConnections} a new one is closed at once,
 * and one that closes before a whole request head came (the idle time-out catching a client that sends half a
 * request and waits, or a client giving up) is counted as {@code incomplete_request}. Connections are told apart by
 * their remote address and port, which a request and its WebSocket upgrade share.
 */
final class HttpConnections {

    private final int max;
    private final PalmreaderMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicBoolean> served = new ConcurrentHashMap<>();

    HttpConnections(int max, PalmreaderMetrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    void onConnection(HttpConnection connection) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            metrics.connectionRefused(ConnectionRefusal.CONNECTIONS);
            connection.close();
            return;
        }
        String key = key(connection.remoteAddress());
        AtomicBoolean requested = new AtomicBoolean();
        served.put(key, requested);
        connection.closeHandler(v -> {
            open.decrementAndGet();
            served.remove(key, requested);
            if (!requested.get()) {
                metrics.connectionRefused(ConnectionRefusal.INCOMPLETE_REQUEST);
            }
        });
    }

    /** A whole request head came from {@code remote}'s connection. */
    void requested(SocketAddress remote) {
        AtomicBoolean requested = served.get(key(remote));
        if (requested != null) {
            requested.set(true);
        }
    }

    private static String key(SocketAddress remote) {
        return remote == null ? "?" : remote.host() + ":" + remote.port();
    }
}

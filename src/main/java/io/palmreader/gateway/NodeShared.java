package io.palmreader.gateway;

import io.palmreader.session.FrameMemory;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.util.function.Supplier;

/**
 * What the gateway instances of a node share, each instance on its own event loop: the session counts and the frame
 * memory (so that their limits hold per node, not per instance), and the port the node bound. Kept in the node's
 * local map {@link GatewayVerticle#NODE_MAP}; the first instance to ask creates each.
 */
final class NodeShared {

    private static final String CONNECTIONS_KEY = "connections";
    private static final String FRAME_MEMORY_KEY = "frameMemory";

    private NodeShared() {}

    /** The node's sessions and connections waiting to authenticate, in all and per address. */
    static ConnectionCounts connectionCounts(Vertx vertx) {
        return shared(vertx, CONNECTIONS_KEY, ConnectionCounts::new);
    }

    /** The node's budget of {@code session.frameMemoryMb} for the frames its sessions hold for inference. */
    static FrameMemory frameMemory(Vertx vertx, GatewayConfig config) {
        return shared(vertx, FRAME_MEMORY_KEY, () -> new FrameMemory((long) config.frameMemoryMb() << 20));
    }

    /** Publishes the port the gateway bound (useful with {@code http.port} 0). */
    static void announcePort(Vertx vertx, int port) {
        map(vertx).put(GatewayVerticle.HTTP_PORT_KEY, port);
    }

    @SuppressWarnings("unchecked")
    private static <T> T shared(Vertx vertx, String key, Supplier<T> fresh) {
        T made = fresh.get();
        Object before = map(vertx).putIfAbsent(key, made);
        return before != null ? (T) before : made;
    }

    private static LocalMap<String, Object> map(Vertx vertx) {
        return vertx.sharedData().getLocalMap(GatewayVerticle.NODE_MAP);
    }
}

package io.palmreader.store;

import io.vertx.core.Vertx;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The one store of a node (a Vert.x instance), shared by its verticles: Redis with a memory fallback when
 * {@code redis.url} is set, memory alone otherwise.
 */
public final class NodeStore {

    private static final Map<Vertx, KeyValueStore> STORES = new WeakHashMap<>();

    private NodeStore() {}

    public static synchronized KeyValueStore of(Vertx vertx, StoreConfig config) {
        return STORES.computeIfAbsent(
                vertx,
                v -> !config.redis()
                        ? new MemoryKeyValueStore()
                        : new FallbackKeyValueStore(
                                v, new RedisKeyValueStore(v, config.redisUrl()), config.timeoutMs(), config.retryMs()));
    }
}

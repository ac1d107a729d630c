package io.palmreader.session;

import io.palmreader.config.Settings;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The one store of a node (a Vert.x instance), shared by its verticles: Redis with a memory fallback when
 * {@code redis.url} is set, memory alone otherwise.
 */
public final class NodeStore {

  private static final Map<Vertx, KeyValueStore> STORES = new WeakHashMap<>();

  private NodeStore() {
  }

  public static synchronized KeyValueStore of(Vertx vertx, Settings settings) {
    return STORES.computeIfAbsent(vertx, v -> {
      String url = settings.string("redis.url", "");
      if (url.isBlank()) {
        return new MemoryKeyValueStore();
      }
      return new FallbackKeyValueStore(v, new RedisKeyValueStore(v, url),
          settings.integer("redis.timeoutMs", 500, 10, 60_000), settings.integer("redis.retryMs", 2000, 100, 600_000));
    });
  }
}

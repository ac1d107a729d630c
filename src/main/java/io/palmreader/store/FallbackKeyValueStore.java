package io.palmreader.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis first, memory when Redis fails: an operation that fails or takes longer than {@code timeoutMs} is done in
 * memory instead, and Redis is marked down. While down, everything goes to memory and Redis is pinged every
 * {@code retryMs} until it answers again. Nothing waits on a dead Redis for long.
 */
public final class FallbackKeyValueStore implements KeyValueStore {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackKeyValueStore.class);

    private final Vertx vertx;
    private final RedisKeyValueStore redis;
    private final MemoryKeyValueStore memory = new MemoryKeyValueStore();
    private final long timeoutMs;
    private volatile boolean redisUp = true;
    private volatile String lastError;
    private final io.micrometer.core.instrument.Counter redisErrors = io.micrometer.core.instrument.Counter.builder(
                    "palmreader.redis.errors")
            .register(io.palmreader.observability.PalmreaderMetrics.get().registry());

    public FallbackKeyValueStore(Vertx vertx, RedisKeyValueStore redis, long timeoutMs, long retryMs) {
        this.vertx = vertx;
        this.redis = redis;
        this.timeoutMs = timeoutMs;
        vertx.setPeriodic(retryMs, id -> {
            if (!redisUp) {
                redis.ping().onSuccess(v -> {
                    redisUp = true;
                    LOG.info("store: Redis answers again; shared state is back in Redis");
                });
            }
        });
    }

    private <T> Future<T> either(Function<KeyValueStore, Future<T>> operation) {
        if (!redisUp) {
            return operation.apply(memory);
        }
        return operation
                .apply(redis)
                .timeout(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS)
                .recover(e -> {
                    redisErrors.increment();
                    if (redisUp) {
                        redisUp = false;
                        lastError = e.getMessage();
                        LOG.warn("store: Redis failed ({}); serving from memory until it is back", e.getMessage());
                    }
                    return operation.apply(memory);
                });
    }

    @Override
    public Future<String> get(String key) {
        return either(s -> s.get(key));
    }

    @Override
    public Future<Void> replace(String key, String value, long ttlMs) {
        return either(s -> s.replace(key, value, ttlMs));
    }

    @Override
    public Future<String> take(String key) {
        return either(s -> s.take(key));
    }

    @Override
    public Future<Void> set(String key, String value, long ttlMs) {
        return either(s -> s.set(key, value, ttlMs));
    }

    @Override
    public Future<Void> append(String key, List<String> values, int max, long ttlMs) {
        return either(s -> s.append(key, values, max, ttlMs));
    }

    @Override
    public Future<List<String>> tail(String key, int count) {
        return either(s -> s.tail(key, count));
    }

    @Override
    public Future<Long> acquire(String key, int capacity, long periodMs) {
        return either(s -> s.acquire(key, capacity, periodMs));
    }

    /** Fails while Redis is down, for the health check. */
    @Override
    public Future<Void> ping() {
        return redis.ping()
                .timeout(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS)
                .onFailure(e -> lastError = e.getMessage());
    }

    @Override
    public String kind() {
        return redisUp ? "redis" : "memory (Redis down: " + lastError + ")";
    }

    public boolean redisUp() {
        return redisUp;
    }
}

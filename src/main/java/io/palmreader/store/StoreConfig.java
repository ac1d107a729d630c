package io.palmreader.store;

import io.palmreader.config.Settings;

/**
 * Where shared state lives; keys under {@code redis.} (README, Configuration).
 *
 * @param redisUrl  the Redis server ({@code redis://host:6379}); empty: memory only
 * @param timeoutMs a Redis operation slower than this is done in memory instead, and Redis is marked down
 * @param retryMs   while Redis is down, how often it is pinged to come back to it
 */
public record StoreConfig(String redisUrl, int timeoutMs, int retryMs) {

    public static StoreConfig from(Settings s) {
        return new StoreConfig(
                s.string("redis.url", "").trim(),
                s.integer("redis.timeoutMs", 500, 10, 60_000),
                s.integer("redis.retryMs", 2000, 100, 600_000));
    }

    /** Whether Redis is configured. */
    public boolean redis() {
        return !redisUrl.isEmpty();
    }
}

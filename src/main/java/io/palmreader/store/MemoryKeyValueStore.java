package io.palmreader.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * The store in this process's memory: the default without Redis, and the fallback while Redis is down. A Caffeine
 * cache holds it: at most {@value #DEFAULT_MAX_ENTRIES} entries by default (the least recently used go first, as
 * Redis's {@code allkeys-lru} would), each expiring at its own time, with expired entries cleaned up by Caffeine's
 * own maintenance rather than by a sweep on a caller's thread. Thread-safe (verticles of a node share it).
 */
public final class MemoryKeyValueStore implements KeyValueStore {

    /** Entries kept at most by default: sessions, conversations, rate buckets and cached answers together. */
    public static final long DEFAULT_MAX_ENTRIES = 200_000;

    private record Entry(Object value, long expiresAtMs) {}

    /** A token bucket's tokens at {@code atMs}. */
    private record Bucket(double tokens, long atMs) {}

    private final LongSupplier clock;
    private final Cache<String, Entry> cache;
    private final ConcurrentMap<String, Entry> entries;

    public MemoryKeyValueStore() {
        this(System::currentTimeMillis, DEFAULT_MAX_ENTRIES);
    }

    /** A store of at most {@code maxEntries} whose time, in ms, comes from {@code clock} (the tests set it). */
    public MemoryKeyValueStore(LongSupplier clock, long maxEntries) {
        this.clock = clock;
        Cache<String, Entry> cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(() -> clock.getAsLong() * 1_000_000)
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry e, long now) {
                        return nanosLeft(e);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry e, long now, long current) {
                        return nanosLeft(e);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry e, long now, long current) {
                        return current;
                    }
                })
                .build();
        this.cache = cache;
        this.entries = cache.asMap();
    }

    private long nanosLeft(Entry e) {
        return Math.max(0, e.expiresAtMs() - clock.getAsLong()) * 1_000_000;
    }

    @Override
    public Future<String> get(String key) {
        Entry e = entries.get(key);
        return Future.succeededFuture(e == null ? null : (String) e.value());
    }

    @Override
    public Future<String> take(String key) {
        Entry e = entries.remove(key);
        return Future.succeededFuture(e == null || e.expiresAtMs() <= clock.getAsLong() ? null : (String) e.value());
    }

    @Override
    public Future<Void> set(String key, String value, long ttlMs) {
        entries.put(key, new Entry(value, clock.getAsLong() + ttlMs));
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> replace(String key, String value, long ttlMs) {
        entries.computeIfPresent(key, (k, e) -> new Entry(value, clock.getAsLong() + ttlMs));
        return Future.succeededFuture();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Future<Void> append(String key, List<String> values, int max, long ttlMs) {
        entries.compute(key, (k, e) -> {
            Deque<String> list = e == null ? new ArrayDeque<>() : new ArrayDeque<>((Deque<String>) e.value());
            list.addAll(values);
            while (list.size() > max) {
                list.removeFirst();
            }
            return new Entry(list, clock.getAsLong() + ttlMs);
        });
        return Future.succeededFuture();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Future<List<String>> tail(String key, int count) {
        Entry e = entries.get(key);
        if (e == null) {
            return Future.succeededFuture(List.of());
        }
        List<String> all = new ArrayList<>((Deque<String>) e.value());
        return Future.succeededFuture(all.subList(Math.max(0, all.size() - count), all.size()));
    }

    @Override
    public Future<Long> acquire(String key, int capacity, long periodMs) {
        long now = clock.getAsLong();
        double msPerToken = (double) periodMs / capacity;
        long[] waitMs = {0};
        entries.compute(key, (k, e) -> {
            Bucket before = e == null || e.expiresAtMs() <= now ? new Bucket(capacity, now) : (Bucket) e.value();
            double tokens = Math.min(capacity, before.tokens() + Math.max(0, now - before.atMs()) / msPerToken);
            if (tokens >= 1) {
                tokens -= 1;
            } else {
                waitMs[0] = (long) Math.ceil((1 - tokens) * msPerToken);
            }
            return new Entry(
                    new Bucket(tokens, now), now + Math.max(1, (long) Math.ceil((capacity - tokens) * msPerToken)));
        });
        return Future.succeededFuture(waitMs[0]);
    }

    /** Entries held once Caffeine's pending maintenance (evictions, expiries) is done. */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    @Override
    public Future<Void> ping() {
        return Future.succeededFuture();
    }

    @Override
    public String kind() {
        return "memory";
    }
}

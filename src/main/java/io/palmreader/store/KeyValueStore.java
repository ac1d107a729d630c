package io.palmreader.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * The few storage operations sessions, conversations, rate limits and the response cache need; Redis when
 * configured, memory otherwise. Keys follow {@link StoreKeys}.
 */
public interface KeyValueStore {

    Future<String> get(String key);

    /** Gets {@code key} and deletes it, at once: a value only one reader may have (a resume token's record). */
    Future<String> take(String key);

    /** Sets {@code key} to {@code value}, expiring after {@code ttlMs}. */
    Future<Void> set(String key, String value, long ttlMs);

    /** Sets {@code key} only if it is there: refreshes a value without bringing back one that was taken. */
    Future<Void> replace(String key, String value, long ttlMs);

    /** Appends to a list, keeps its last {@code max} entries, and (re)sets its expiry. */
    Future<Void> append(String key, List<String> values, int max, long ttlMs);

    /** The list's last {@code count} entries, oldest first. */
    Future<List<String>> tail(String key, int count);

    /**
     * Takes one token from the token bucket {@code key}, which holds up to {@code capacity} tokens and gains
     * {@code capacity} of them every {@code periodMs}, evenly; a bucket not there is full, and one that would be full
     * again expires. Completes with 0 when a token was taken, else with the ms until one will be there (taking none).
     * Atomic across every user of the store, on the store's clock.
     */
    Future<Long> acquire(String key, int capacity, long periodMs);

    /** Whether the backing server answers (memory always does). */
    Future<Void> ping();

    /** {@code redis} or {@code memory}. */
    String kind();
}

package io.palmreader.observability;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The last result of an asynchronous check, served again for {@value #TTL_MS} ms before the check runs anew; a check
 * in progress is shared by all who ask. A flood of requests that each want the check (health requests, sessions
 * opening) so reaches what it probes (Ollama, Redis, the workers) at most once per {@value #TTL_MS} ms. Used on one
 * event loop: not thread-safe.
 */
public final class RecentResult<T> {

    /** How long a result is served again. */
    public static final long TTL_MS = 2000;

    private final Supplier<Future<T>> check;
    private Future<T> result;
    private long atMs = Long.MIN_VALUE / 2;

    public RecentResult(Supplier<Future<T>> check) {
        this.check = check;
    }

    /** The recent result, or a new check's when the last one is older than {@value #TTL_MS} ms. */
    public Future<T> get() {
        long now = System.currentTimeMillis();
        if (result == null || now - atMs > TTL_MS) {
            result = check.get();
            atMs = now;
        }
        return result;
    }
}

package io.palmreader.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.palmreader.gesture.TaughtGestures;
import io.palmreader.store.KeyValueStore;
import io.palmreader.store.StoreKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;

/**
 * Users' and teams' taught gestures in the shared store, so that they follow a user to any connection on any node. An
 * owner is a user (the token's subject with authentication on, else the identity a session hands on through its
 * resume token) or a team ({@code group:…}). Each owner's set is one record, written whole.
 *
 * <p>A full set (32 gestures of 16 recordings) is some 700 KiB of JSON and takes tens of milliseconds to parse and to
 * learn its radii from: that is done on a worker thread, never an event loop, and once per node for a given record,
 * which every session of a team then shares.
 */
public final class TaughtGestureRecords {

    /** Parsed sets by their stored JSON, shared by every session of the process: a set is immutable. */
    private static final Cache<String, TaughtGestures> PARSED = Caffeine.newBuilder()
            .maximumWeight(32L << 20)
            .<String, TaughtGestures>weigher((json, set) -> json.length())
            .build();

    private final Vertx vertx;
    private final KeyValueStore store;
    private final long ttlMs;

    /** @param ttlMs how long an owner's gestures outlive their last write ({@code gesture.taughtTtlDays}) */
    public TaughtGestureRecords(Vertx vertx, KeyValueStore store, long ttlMs) {
        this.vertx = vertx;
        this.store = store;
        this.ttlMs = ttlMs;
    }

    /** The owner's gestures: none when nothing is stored or the record is damaged, and failed when the store cannot say. */
    public Future<TaughtGestures> load(String owner) {
        return store.get(StoreKeys.taughtGestures(owner)).compose(json -> {
            if (json == null) {
                return Future.succeededFuture(TaughtGestures.NONE);
            }
            TaughtGestures known = PARSED.getIfPresent(json);
            return known != null
                    ? Future.succeededFuture(known)
                    : vertx.executeBlocking(() -> PARSED.get(json, TaughtGestureRecords::parse), false);
        });
    }

    /** Runs {@code work} (building a set: learning its radii) on a worker thread. */
    public Future<TaughtGestures> build(Callable<TaughtGestures> work) {
        return vertx.executeBlocking(work, false);
    }

    private static TaughtGestures parse(String json) {
        try {
            return TaughtGestures.fromJson(new JsonObject(json));
        } catch (DecodeException | ClassCastException damaged) {
            return TaughtGestures.NONE;
        }
    }

    /** Writes the owner's whole set, and starts its time to live again. */
    public Future<Void> save(String owner, TaughtGestures gestures) {
        String json = gestures.toJson().encode();
        PARSED.put(json, gestures);
        return store.set(StoreKeys.taughtGestures(owner), json, ttlMs);
    }
}

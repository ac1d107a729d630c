package io.palmreader.session;

import io.palmreader.gesture.TaughtGestures;
import io.palmreader.store.KeyValueStore;
import io.palmreader.store.StoreKeys;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Users' taught gestures in the shared store, so that they follow a user to any connection on any node. A user is
 * an owner: the token's subject with authentication on, else the identity a session hands on through its resume
 * token. Each owner's set is one record, written whole.
 */
public final class TaughtGestureRecords {

    private final KeyValueStore store;
    private final long ttlMs;

    /** @param ttlMs how long an owner's gestures outlive their last write ({@code gesture.taughtTtlDays}) */
    public TaughtGestureRecords(KeyValueStore store, long ttlMs) {
        this.store = store;
        this.ttlMs = ttlMs;
    }

    /** The owner's gestures: none when nothing is stored, and none (failed) when the store cannot say. */
    public Future<TaughtGestures> load(String owner) {
        return store.get(StoreKeys.taughtGestures(owner)).map(json -> {
            if (json == null) {
                return TaughtGestures.NONE;
            }
            try {
                return TaughtGestures.fromJson(new JsonObject(json));
            } catch (DecodeException | ClassCastException damaged) {
                return TaughtGestures.NONE;
            }
        });
    }

    /** Writes the owner's whole set, and starts its time to live again. */
    public Future<Void> save(String owner, TaughtGestures gestures) {
        return store.set(StoreKeys.taughtGestures(owner), gestures.toJson().encode(), ttlMs);
    }
}

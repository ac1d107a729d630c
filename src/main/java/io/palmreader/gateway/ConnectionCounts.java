package io.palmreader.gateway;

import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sessions open on this node, and connections still to authenticate, in all and per client address (by its
 * {@link AddressKey}). Shared by every gateway instance (each runs on its own event loop), so the limits hold for the
 * node, not per instance.
 */
final class ConnectionCounts implements Shareable {

    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> byAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> unauthenticatedByAddress = new ConcurrentHashMap<>();

    /** Why a new session from {@code addressKey} may not open, or null when it may (and is then counted). */
    synchronized ConnectionRefusal admit(String addressKey, int maxSessions, int maxPerAddress) {
        if (total.get() >= maxSessions) {
            return ConnectionRefusal.SESSIONS;
        }
        return take(byAddress, addressKey, maxPerAddress, total, ConnectionRefusal.SESSIONS_PER_ADDRESS);
    }

    synchronized void release(String addressKey) {
        give(byAddress, addressKey, total);
    }

    /**
     * Counts a connection that has yet to authenticate by {@code hello}: it has its own small caps, per node and per
     * address, and takes none of its address's session slots until it has a token. Why it may not wait, or null when
     * it may (and is then counted).
     */
    synchronized ConnectionRefusal admitUnauthenticated(String addressKey, int max, int maxPerAddress) {
        if (unauthenticated.get() >= max) {
            return ConnectionRefusal.UNAUTHENTICATED_PENDING;
        }
        return take(
                unauthenticatedByAddress,
                addressKey,
                maxPerAddress,
                unauthenticated,
                ConnectionRefusal.UNAUTHENTICATED_PENDING_PER_ADDRESS);
    }

    synchronized void releaseUnauthenticated(String addressKey) {
        give(unauthenticatedByAddress, addressKey, unauthenticated);
    }

    /** Takes one of {@code addressKey}'s slots (0: no limit) and one of the node's, or names the refusal. */
    private static ConnectionRefusal take(
            ConcurrentHashMap<String, AtomicInteger> counts,
            String addressKey,
            int maxPerAddress,
            AtomicInteger node,
            ConnectionRefusal full) {
        AtomicInteger mine = counts.computeIfAbsent(addressKey, a -> new AtomicInteger());
        if (maxPerAddress > 0 && mine.get() >= maxPerAddress) {
            return full;
        }
        node.incrementAndGet();
        mine.incrementAndGet();
        return null;
    }

    private static void give(ConcurrentHashMap<String, AtomicInteger> counts, String addressKey, AtomicInteger node) {
        node.decrementAndGet();
        AtomicInteger mine = counts.get(addressKey);
        if (mine != null && mine.decrementAndGet() <= 0) {
            counts.remove(addressKey);
        }
    }
}

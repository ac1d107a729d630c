package io.palmreader.gateway;

import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sessions open on this node, in all and per client address. Shared by every gateway instance (each runs on its
 * own event loop), so the limits hold for the node, not per instance.
 */
final class ConnectionCounts implements Shareable {

  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger unauthenticated = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> byAddress = new ConcurrentHashMap<>();

  /** Why a new session from {@code address} may not open, or null when it may (and is then counted). */
  synchronized ConnectionRefusal admit(String address, int maxSessions, int maxPerAddress) {
    if (total.get() >= maxSessions) {
      return ConnectionRefusal.SESSIONS;
    }
    AtomicInteger mine = byAddress.computeIfAbsent(address, a -> new AtomicInteger());
    if (maxPerAddress > 0 && mine.get() >= maxPerAddress) {
      return ConnectionRefusal.SESSIONS_PER_ADDRESS;
    }
    total.incrementAndGet();
    mine.incrementAndGet();
    return null;
  }

  /**
   * Counts a connection that has yet to authenticate by {@code hello}: it has its own small cap and takes none of
   * its address's session slots until it has a token. False when the cap is reached.
   */
  boolean admitUnauthenticated(int max) {
    if (unauthenticated.incrementAndGet() > max) {
      unauthenticated.decrementAndGet();
      return false;
    }
    return true;
  }

  void releaseUnauthenticated() {
    unauthenticated.decrementAndGet();
  }

  synchronized void release(String address) {
    total.decrementAndGet();
    AtomicInteger mine = byAddress.get(address);
    if (mine != null && mine.decrementAndGet() <= 0) {
      byAddress.remove(address);
    }
  }
}

package io.palmreader.session;

import io.palmreader.store.KeyValueStore;
import io.palmreader.store.StoreKeys;
import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits that hold across every node, counted in the shared store in fixed windows: questions per minute per
 * user (a token's subject, across its connections and nodes; without authentication, a session) and per client
 * address, and frames per second per client address. Addresses come as the keys the gateway counts them under (an
 * IPv6 address's /64). Frames never wait for the store: an address found over its limit is refused locally until its
 * window ends, while counting goes on in the background.
 */
public final class SharedLimits {

  /** A limit of no questions at all (a token's claim of 0), where 0 in the configuration is no limit. */
  public static final int NONE = -1;
  /** Past this many blocked addresses, the expired ones are swept out as frames come. */
  private static final int BLOCKED_SWEEP_SIZE = 1024;
  private static final long MINUTE_MS = 60_000;
  private static final long SECOND_MS = 1000;

  private final KeyValueStore store;
  private final int asksPerMinute;
  private final int asksPerMinutePerAddress;
  private final int framesPerSecondPerAddress;
  private final Map<String, Long> addressBlockedUntil = new ConcurrentHashMap<>();

  /** A limit of 0 is no limit; {@link #NONE} allows nothing. */
  public SharedLimits(KeyValueStore store, int asksPerMinute, int asksPerMinutePerAddress, int framesPerSecondPerAddress) {
    this.store = store;
    this.asksPerMinute = asksPerMinute;
    this.asksPerMinutePerAddress = asksPerMinutePerAddress;
    this.framesPerSecondPerAddress = framesPerSecondPerAddress;
  }

  /**
   * Counts a question of {@code user} ({@code subject:…} or {@code session:…}) from {@code address}; completes with 0
   * when allowed, else the ms until it would be. A failing store allows it.
   */
  public Future<Long> ask(String user, String address) {
    long window = System.currentTimeMillis() / MINUTE_MS;
    Future<Long> byUser = check(StoreKeys.userRate("asks", user, window), asksPerMinute, MINUTE_MS);
    Future<Long> byAddress = check(StoreKeys.rate("asks", "ip", address, window), asksPerMinutePerAddress, MINUTE_MS);
    return Future.all(byUser, byAddress).map(v -> Math.max(byUser.result(), byAddress.result()))
        .otherwise(0L);
  }

  private Future<Long> check(String key, int limit, long windowMs) {
    if (limit == NONE) {
      return Future.succeededFuture(windowMs);
    }
    if (limit <= 0) {
      return Future.succeededFuture(0L);
    }
    return store.count(key, windowMs).map(c -> c[0] > limit ? Math.max(1, c[1]) : 0L);
  }

  /** Whether a frame from {@code address} may go on; 0 when it may, else the ms until it may. Never waits. */
  public long frame(String address) {
    if (framesPerSecondPerAddress <= 0) {
      return 0;
    }
    long now = System.currentTimeMillis();
    Long until = addressBlockedUntil.get(address);
    if (until != null && until > now) {
      return until - now;
    }
    if (until != null) {
      addressBlockedUntil.remove(address, until);
    }
    if (addressBlockedUntil.size() > BLOCKED_SWEEP_SIZE) {
      addressBlockedUntil.values().removeIf(t -> t <= now);
    }
    check(StoreKeys.rate("frames", "ip", address, now / SECOND_MS), framesPerSecondPerAddress, SECOND_MS)
        .onSuccess(retry -> {
          if (retry > 0) {
            addressBlockedUntil.put(address, System.currentTimeMillis() + retry);
          }
        });
    return 0;
  }
}

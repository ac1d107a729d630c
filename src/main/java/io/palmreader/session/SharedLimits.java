package io.palmreader.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.palmreader.store.KeyValueStore;
import io.palmreader.store.StoreKeys;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Rate limits that hold across every node, as token buckets in the shared store ({@link KeyValueStore#acquire}):
 * questions per minute per user (a token's subject, across its connections and nodes; without authentication, a
 * session) and per client address, and frames per second per client address. A limit of N a minute allows bursts of
 * N and then one every minute / N, wherever the clock stands, so no test and no client has to mind where a minute
 * begins. Addresses come as the keys the gateway counts them under (an IPv6 address's /64). Frames never wait for the
 * store: an address found over its limit is refused locally until the store says a token is back, while taking goes
 * on in the background.
 */
public final class SharedLimits {

    /** A limit of no questions at all (a token's claim of 0), where 0 in the configuration is no limit. */
    public static final int NONE = -1;
    /** Addresses refused locally at once, at most; past it Caffeine evicts (an evicted one asks the store again). */
    private static final long MAX_BLOCKED_ADDRESSES = 100_000;

    private static final long MINUTE_MS = 60_000;
    private static final long SECOND_MS = 1000;

    private final KeyValueStore store;
    private final int asksPerMinute;
    private final int asksPerMinutePerAddress;
    private final int framesPerSecondPerAddress;
    private final LongSupplier clock;
    /** Address → until when (ms) its frames are refused without asking the store; each entry expires then. */
    private final Cache<String, Long> addressBlockedUntil;

    /** A limit of 0 is no limit; {@link #NONE} allows nothing. */
    public SharedLimits(
            KeyValueStore store, int asksPerMinute, int asksPerMinutePerAddress, int framesPerSecondPerAddress) {
        this(store, asksPerMinute, asksPerMinutePerAddress, framesPerSecondPerAddress, System::currentTimeMillis);
    }

    /** @param clock the time in ms, for how long an address stays blocked here (the tests set it) */
    public SharedLimits(
            KeyValueStore store,
            int asksPerMinute,
            int asksPerMinutePerAddress,
            int framesPerSecondPerAddress,
            LongSupplier clock) {
        this.store = store;
        this.asksPerMinute = asksPerMinute;
        this.asksPerMinutePerAddress = asksPerMinutePerAddress;
        this.framesPerSecondPerAddress = framesPerSecondPerAddress;
        this.clock = clock;
        this.addressBlockedUntil = Caffeine.newBuilder()
                .maximumSize(MAX_BLOCKED_ADDRESSES)
                .ticker(() -> clock.getAsLong() * 1_000_000)
                .executor(Runnable::run)
                .expireAfter(Expiry.<String, Long>writing(
                        (address, until) -> Duration.ofMillis(Math.max(0, until - clock.getAsLong()))))
                .build();
    }

    /**
     * Counts a question of {@code user} ({@code subject:…} or {@code session:…}) from {@code address}; completes with 0
     * when allowed, else the ms until it would be. A failing store allows it.
     */
    public Future<Long> ask(String user, String address) {
        Future<Long> byUser = take(StoreKeys.userRate("asks", user), asksPerMinute, MINUTE_MS);
        Future<Long> byAddress = take(StoreKeys.rate("asks", "ip", address), asksPerMinutePerAddress, MINUTE_MS);
        return Future.all(byUser, byAddress)
                .map(v -> Math.max(byUser.result(), byAddress.result()))
                .otherwise(0L);
    }

    private Future<Long> take(String key, int limit, long periodMs) {
        if (limit == NONE) {
            return Future.succeededFuture(periodMs);
        }
        if (limit <= 0) {
            return Future.succeededFuture(0L);
        }
        return store.acquire(key, limit, periodMs);
    }

    /** Whether a frame from {@code address} may go on; 0 when it may, else the ms until it may. Never waits. */
    public long frame(String address) {
        if (framesPerSecondPerAddress <= 0) {
            return 0;
        }
        long now = clock.getAsLong();
        Long until = addressBlockedUntil.getIfPresent(address);
        if (until != null && until > now) {
            return until - now;
        }
        take(StoreKeys.rate("frames", "ip", address), framesPerSecondPerAddress, SECOND_MS)
                .onSuccess(retry -> {
                    if (retry > 0) {
                        addressBlockedUntil.put(address, clock.getAsLong() + retry);
                    }
                });
        return 0;
    }
}

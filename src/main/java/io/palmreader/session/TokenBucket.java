package io.palmreader.session;

/**
 * A token bucket: {@code perSecond} events (frames, text messages) a second on average, bursts of up to one
 * second's worth (or of {@code burst}). Time comes in from the caller, so it is pure and testable. Not thread-safe (one per session, on its
 * event loop).
 */
public final class TokenBucket {

    private final double perSecond;
    private final double capacity;
    private double tokens;
    private long lastNanos;
    private boolean started;

    public TokenBucket(int perSecond) {
        this(perSecond, perSecond);
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be >= 1, was " + perSecond);
        }
    }

    /** {@code perSecond} events a second on average (fractions allowed: 0.1 is one every 10 s), bursts of {@code burst}. */
    public TokenBucket(double perSecond, double burst) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException(
                    "perSecond must be > 0 and burst >= 1, were " + perSecond + ", " + burst);
        }
        this.perSecond = perSecond;
        this.capacity = burst;
        this.tokens = burst;
    }

    /** Takes one frame's token if there is one at {@code nowNanos}. */
    public boolean tryAcquire(long nowNanos) {
        if (started) {
            tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perSecond / 1e9);
        }
        started = true;
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}

package io.palmreader.session;

/**
 * A token bucket: {@code perSecond} events (frames, text messages) a second on average, bursts of up to one
 * second's worth. Time comes in from the caller, so it is pure and testable. Not thread-safe (one per session, on its
 * event loop).
 */
public final class TokenBucket {

  private final double perSecond;
  private final double capacity;
  private double tokens;
  private long lastNanos;
  private boolean started;

  public TokenBucket(int perSecond) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond must be >= 1, was " + perSecond);
    }
    this.perSecond = perSecond;
    this.capacity = perSecond;
    this.tokens = perSecond;
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

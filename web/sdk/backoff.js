// How long to wait before reconnecting: exponential, capped, and jittered so that the clients of a restarted server
// do not all come back at the same moment.

/** The defaults of `connect`'s `reconnect` option. */
export const RECONNECT_DEFAULTS = Object.freeze({
  /** Delay before the first reconnect, ms (before jitter). */
  initialDelayMs: 500,
  /** Longest delay between two attempts, ms. */
  maxDelayMs: 8000,
  /** Each failed attempt multiplies the delay by this. */
  factor: 2,
  /** Attempts in a row before the session gives up and closes. */
  maxAttempts: Infinity,
  /** Whether a first connection that fails is retried too (else `connect` rejects at once). */
  retryFirstConnect: false,
});

/**
 * The delay before reconnect attempt `attempt` (0 for the first): the capped exponential delay, of which a random
 * half is taken off ("equal jitter"), so that it lies between half of it and all of it.
 */
export function reconnectDelay(attempt, policy = RECONNECT_DEFAULTS, random = Math.random) {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

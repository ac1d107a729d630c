package io.palmreader.testing;

import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for a condition without sleeping: the check runs on the test's own thread (it may block, as a request
 * awaited there does), and between two checks the test awaits a Vert.x timer.
 */
public final class Eventually {

    private static final long INTERVAL_MS = 50;

    private Eventually() {}

    /**
     * Returns once {@code check} gives true; fails with {@code what} after {@code timeoutMs}. A check that throws counts
     * as not yet, and its exception is reported if time runs out.
     */
    public static void await(Vertx vertx, long timeoutMs, String what, Callable<Boolean> check)
            throws TimeoutException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(check.call())) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(
                        "timed out waiting for " + what + (last != null ? " (last check: " + last + ")" : ""));
            }
            vertx.timer(INTERVAL_MS).await(10, TimeUnit.SECONDS);
        }
    }
}

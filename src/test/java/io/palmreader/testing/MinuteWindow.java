package io.palmreader.testing;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Rate limits count in fixed one-minute windows: a test that counts several events against one starts early in a
 * window, so that all of them fall in it, however slow the machine is within reason.
 */
public final class MinuteWindow {

  /** Past this far into a minute, a test waits for the next one. */
  private static final long LATEST_START_MS = 40_000;

  private MinuteWindow() {
  }

  /** Returns at once early in a minute, else on a Vert.x timer just after the next minute begins. */
  public static void startEarly(Vertx vertx) throws TimeoutException {
    long intoMinute = System.currentTimeMillis() % 60_000;
    if (intoMinute > LATEST_START_MS) {
      vertx.timer(60_000 - intoMinute + 50).await(30, TimeUnit.SECONDS);
    }
  }
}

package io.palmreader.cli;

import java.io.PrintStream;

/** A one-line progress bar redrawn on stderr at most a few times a second, so stdout stays pure JSON. */
final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final String what;
    private final long total;
    private long lastDraw;
    private boolean drawn;

    /** @param total expected count, or ≤ 0 when unknown */
    ProgressBar(PrintStream err, String what, long total) {
        this.err = err;
        this.what = what;
        this.total = total;
    }

    void update(long done) {
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        draw(done);
    }

    void finish(long done) {
        if (drawn || done > 0) {
            draw(done);
            err.println();
        }
    }

    private void draw(long done) {
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            err.printf("\r%s [%s%s] %d/%d", what, "#".repeat(filled), " ".repeat(WIDTH - filled), done, total);
        } else {
            err.printf("\r%s %d", what, done);
        }
        err.flush();
    }
}

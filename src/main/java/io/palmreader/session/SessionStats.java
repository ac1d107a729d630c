package io.palmreader.session;

import org.HdrHistogram.Histogram;

/**
 * A session's figures for its periodic {@code stats} message: frames in and answered per second since the last one,
 * frames dropped and frames answered on a lower rung of the quality ladder (degraded) in all, and the median server
 * time of the interval's answers. Not thread-safe (one per session).
 */
public final class SessionStats {

    /** Server times are kept to 0.01 ms, up to a minute. */
    private static final long UNITS_PER_MS = 100;

    private final Histogram serverTimes = new Histogram(60_000 * UNITS_PER_MS, 2);
    private long dropped;
    private long degraded;
    private int received;
    private int answered;
    private long intervalStartNanos;

    /** A snapshot for one {@code stats} message. */
    public record Interval(double fpsIn, double fpsOut, long dropped, long degraded, double p50Ms) {}

    public SessionStats(long nowNanos) {
        intervalStartNanos = nowNanos;
    }

    public void received() {
        received++;
    }

    public void dropped() {
        dropped++;
    }

    public long droppedSoFar() {
        return dropped;
    }

    /** A frame answered after {@code serverMs} at the server, {@code degraded} when on a lower rung than asked. */
    public void answered(double serverMs, boolean degraded) {
        answered++;
        if (degraded) {
            this.degraded++;
        }
        serverTimes.recordValue(Math.min(serverTimes.getHighestTrackableValue(), Math.round(serverMs * UNITS_PER_MS)));
    }

    /** The figures since the last call, which starts a new interval. */
    public Interval interval(long nowNanos) {
        double seconds = Math.max(1e-3, (nowNanos - intervalStartNanos) / 1e9);
        double p50 = answered == 0 ? 0 : serverTimes.getValueAtPercentile(50) / (double) UNITS_PER_MS;
        Interval snapshot = new Interval(received / seconds, answered / seconds, dropped, degraded, p50);
        received = 0;
        answered = 0;
        serverTimes.reset();
        intervalStartNanos = nowNanos;
        return snapshot;
    }
}

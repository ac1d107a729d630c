package io.palmreader.vision;

/**
 * Milliseconds one frame spent in each stage. Batched stages report the wall time of the batch the frame was
 * in (the latency it saw), so per-frame costs are these divided by the batch size.
 */
public record StageTimings(double decodeMs, double palmMs, double landmarksMs, double classifyMs, double totalMs) {
    public static final StageTimings ZERO = new StageTimings(0, 0, 0, 0, 0);

    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}

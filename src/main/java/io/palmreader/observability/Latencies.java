package io.palmreader.observability;

import org.HdrHistogram.DoubleHistogram;

/**
 * Millisecond samples and their percentiles, kept in an HdrHistogram to three significant digits: what the
 * benchmarks, the load client and the tests report. Not thread-safe.
 */
public final class Latencies {

    private final DoubleHistogram histogram = new DoubleHistogram(3);

    /** The samples in {@code ms}. */
    public static Latencies of(double[] ms) {
        Latencies l = new Latencies();
        for (double v : ms) {
            l.record(v);
        }
        return l;
    }

    /** Records one sample; negative samples count as zero. */
    public Latencies record(double ms) {
        histogram.recordValue(Math.max(0, ms));
        return this;
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** The value at percentile {@code p} (0–100), 0 without samples. */
    public double percentile(double p) {
        return count() == 0 ? 0 : histogram.getValueAtPercentile(p);
    }

    public double max() {
        return count() == 0 ? 0 : histogram.getMaxValue();
    }
}

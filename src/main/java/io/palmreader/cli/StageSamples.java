package io.palmreader.cli;

import io.palmreader.observability.Latencies;

/** One {@code bench} measurement: per-frame stage times in ms, frames/s and the share of frames the detector ran on. */
record StageSamples(
        double[] decode,
        double[] palm,
        double[] landmarks,
        double[] classify,
        double[] total,
        double framesPerSecond,
        double detectorShare) {

    static double percentile(double[] values, double p) {
        return Latencies.of(values).percentile(p);
    }
}

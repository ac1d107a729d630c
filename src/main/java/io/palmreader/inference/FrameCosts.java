package io.palmreader.inference;

import io.palmreader.vision.ModelVariant;

/**
 * What one frame costs a worker at the networks, ms, by what runs: the full model, the lite model, and the lite model
 * searching for new palms less often ({@link Rung#SPARSE_SEARCH}).
 */
record FrameCosts(double fullMs, double liteMs, double sparseSearchMs) {

    /** The same cost whatever runs: a worker that cannot tell, or that runs one model only. */
    static FrameCosts uniform(double ms) {
        return new FrameCosts(ms, ms, ms);
    }

    /** The index {@link #toArray} keeps the cost of a frame of a session that asked for {@code asked} on {@code rung}. */
    static int index(Rung rung, ModelVariant asked) {
        if (rung == Rung.SPARSE_SEARCH) {
            return 2;
        }
        return rung.model(asked) == ModelVariant.FULL ? 0 : 1;
    }

    double[] toArray() {
        return new double[] {fullMs, liteMs, sparseSearchMs};
    }
}

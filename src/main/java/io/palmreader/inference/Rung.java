package io.palmreader.inference;

import io.palmreader.observability.MetricTag;
import io.palmreader.vision.ModelVariant;

/**
 * A step of the quality ladder a worker climbs down under load ({@code inference.degrade}): the session's own model,
 * then the lite model, then the lite model searching for new palms less often. Past the last step a worker sheds.
 * Tracking carries across steps: a session's regions are pixels of its frames, whichever model found them.
 */
public enum Rung implements MetricTag {
    /** The model the session asked for, as configured. */
    AS_ASKED("as_asked"),
    /** MediaPipe's lite models (model complexity 0): about half the full landmark model's cost. */
    LITE("lite"),
    /** The lite models, with the palm detector looking for new hands {@value #SPARSE_SEARCH_FACTOR} times less often. */
    SPARSE_SEARCH("sparse_search");

    /** How many times less often the palm detector looks for new hands on the last rung. */
    public static final int SPARSE_SEARCH_FACTOR = 3;

    private static final Rung[] VALUES = values();

    private final String tag;

    Rung(String tag) {
        this.tag = tag;
    }

    /** The rung numbered {@code level} in messages (0 = as asked). */
    public static Rung of(int level) {
        if (level < 0 || level >= VALUES.length) {
            throw new IllegalArgumentException("rung must be 0 to " + (VALUES.length - 1) + ", was " + level);
        }
        return VALUES[level];
    }

    /** The rung's number in messages: 0 as asked, 1 lite, 2 lite searching less often. */
    public int level() {
        return ordinal();
    }

    /** Whether a frame on this rung ran with less than its session asked for. */
    public boolean degraded() {
        return this != AS_ASKED;
    }

    /** The model a frame of a session that asked for {@code asked} runs on this rung. */
    public ModelVariant model(ModelVariant asked) {
        return this == AS_ASKED ? asked : ModelVariant.LITE;
    }

    /** The palm search interval on this rung, from the configured {@code base}. */
    public int palmSearchInterval(int base) {
        return this == SPARSE_SEARCH ? Math.min(1000, base * SPARSE_SEARCH_FACTOR) : base;
    }

    /** The next rung down, or null from the last. */
    Rung lower() {
        return ordinal() + 1 < VALUES.length ? VALUES[ordinal() + 1] : null;
    }

    /** The next rung up, or null from the first. */
    Rung higher() {
        return ordinal() > 0 ? VALUES[ordinal() - 1] : null;
    }

    @Override
    public String tag() {
        return tag;
    }
}

package io.palmreader.inference;

import io.palmreader.vision.ModelVariant;

/**
 * Which rung each frame runs on, so that a worker answers every frame a little less precisely rather than shed some of
 * them. Two signals decide, both on the worker's own figures:
 *
 * <ul>
 *   <li>the load offered: frames arriving per second (decayed over about a second) times what a frame costs on a rung.
 *       A session climbs down while that is more than {@value #DEGRADE_ABOVE} of what the rung holds, and back up
 *       only once the rung above would hold it with room to spare ({@value #RESTORE_BELOW}): the band between keeps
 *       sessions from flapping, and each frame carries its session's last rung, so the band holds across workers;
 *   <li>the frame itself: one that would wait past {@code inference.maxQueueMs} on its rung runs on a cheaper one,
 *       and only one that fits on no rung is shed. This catches a burst before the rate has seen it.
 * </ul>
 *
 * A session that asked for fixed quality, or a worker with {@code inference.degrade = off}, keeps the model asked for
 * and sheds instead. Per-rung costs follow the batches actually run. Plain Java with the times given; not thread-safe
 * (the worker's event loop only).
 */
final class QualityLadder {

    /** Offered load, as a share of what a rung holds, above which sessions climb down from it. */
    static final double DEGRADE_ABOVE = 0.95;
    /** Offered load, as a share of what the rung above holds, below which sessions climb back up to it. */
    static final double RESTORE_BELOW = 0.8;
    /** The arrival rate forgets with this time constant, ns: slow enough not to jitter, quick enough to follow. */
    private static final double RATE_MEMORY_NANOS = 1e9;

    private final boolean enabled;
    private final int maxQueueMs;
    /** Recent cost of a frame, ms, by {@link FrameCosts#index}. */
    private final double[] costMs = new double[3];

    /** Frames arriving per second, as of {@link #lastArrivalNanos}. */
    private double arrivalsPerSecond;

    private long lastArrivalNanos;
    private boolean anyArrival;

    /**
     * @param enabled    {@code inference.degrade = lite}: climb down under load; otherwise every frame runs as asked
     * @param maxQueueMs the longest a frame may expect to spend at the worker, ms
     */
    QualityLadder(boolean enabled, int maxQueueMs) {
        this.enabled = enabled;
        this.maxQueueMs = maxQueueMs;
    }

    /** Whether frames may run below the model asked for ({@code inference.degrade = lite}). */
    boolean degrades() {
        return enabled;
    }

    /** Starts the cost estimates from the warm-up's measures. */
    void warmedUp(FrameCosts costs) {
        System.arraycopy(costs.toArray(), 0, costMs, 0, costMs.length);
    }

    /** The recent cost of a frame of a session that asked for {@code asked} on {@code rung}, ms. */
    double costMs(Rung rung, ModelVariant asked) {
        return costMs[FrameCosts.index(rung, asked)];
    }

    /** Counts a frame arriving at {@code nowNanos}, taken in or not: the load offered. */
    void arrived(long nowNanos) {
        arrivalsPerSecond = arrivalsPerSecond(nowNanos) + 1e9 / RATE_MEMORY_NANOS;
        lastArrivalNanos = nowNanos;
        anyArrival = true;
    }

    /** Frames arriving per second, recently. */
    double arrivalsPerSecond(long nowNanos) {
        return anyArrival ? arrivalsPerSecond * Math.exp(-(nowNanos - lastArrivalNanos) / RATE_MEMORY_NANOS) : 0;
    }

    /**
     * The rung a frame arriving now runs on, or null to shed it.
     *
     * @param previous the rung its session's last frame ran on
     * @param asked    the model its session asked for
     * @param fixed    its session keeps its model and is shed instead
     * @param idle     nothing runs or waits at the worker: the frame is taken whatever it costs
     * @param aheadMs  the work ahead of it, ms
     */
    Rung choose(Rung previous, ModelVariant asked, boolean fixed, boolean idle, double aheadMs, long nowNanos) {
        if (!enabled || fixed) {
            return idle || aheadMs + costMs(Rung.AS_ASKED, asked) <= maxQueueMs ? Rung.AS_ASKED : null;
        }
        double perMs = arrivalsPerSecond(nowNanos) / 1000;
        Rung rung = previous;
        Rung cheaper = cheaper(rung, asked);
        while (cheaper != null && perMs * costMs(rung, asked) > DEGRADE_ABOVE) {
            rung = cheaper;
            cheaper = cheaper(rung, asked);
        }
        while (rung.higher() != null && perMs * costMs(rung.higher(), asked) <= RESTORE_BELOW) {
            rung = rung.higher();
        }
        while (!idle && aheadMs + costMs(rung, asked) > maxQueueMs) {
            rung = cheaper(rung, asked);
            if (rung == null) {
                return null;
            }
        }
        // A session that asked for the lite model is not degraded by running it.
        return rung == Rung.LITE && asked == ModelVariant.LITE ? Rung.AS_ASKED : rung;
    }

    /** The cheapest rung at or below {@code rung} on a worker that degrades; {@code rung} itself on one that does not. */
    Rung cheapest(Rung rung, ModelVariant asked) {
        if (!enabled) {
            return rung;
        }
        Rung lowest = rung;
        for (Rung r = cheaper(rung, asked); r != null; r = cheaper(r, asked)) {
            lowest = r;
        }
        return lowest;
    }

    /** The first rung below {@code rung} that costs less, or null: a step that saves nothing is not taken. */
    private Rung cheaper(Rung rung, ModelVariant asked) {
        for (Rung r = rung.lower(); r != null; r = r.lower()) {
            if (costMs(r, asked) < costMs(rung, asked)) {
                return r;
            }
        }
        return null;
    }

    /**
     * A batch of frames ran in {@code batchMs}: the costs of what ran move towards it, each in proportion to its
     * estimate (the latest batch weighs a fifth: a few batches follow a change of pace, one slow batch does not shut the
     * door).
     *
     * @param ran how many frames of the batch ran at each {@link FrameCosts#index}
     */
    void ran(int[] ran, double batchMs) {
        double expected = 0;
        for (int i = 0; i < costMs.length; i++) {
            expected += ran[i] * costMs[i];
        }
        int frames = ran[0] + ran[1] + ran[2];
        for (int i = 0; i < costMs.length; i++) {
            if (ran[i] > 0) {
                double measured = expected > 0 ? costMs[i] * batchMs / expected : batchMs / frames;
                costMs[i] = 0.8 * costMs[i] + 0.2 * measured;
            }
        }
    }
}

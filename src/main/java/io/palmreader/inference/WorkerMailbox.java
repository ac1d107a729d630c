package io.palmreader.inference;

import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.ModelVariant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * An inference worker's line of frames and the policy over it: which frames to take in, which to run together, which
 * to drop unrun, and how long a frame takes. Frames are admitted only while they could be answered within
 * {@code inference.maxQueueMs} by the worker's recent pace; batches of up to {@code maxBatch} are taken as soon as
 * that many wait or {@code maxBatchDelayMs} after the first, and a frame that has waited too long by the time its
 * batch starts, or that its gateway has given up on, is dropped rather than run (Triton's dynamic batcher, DJL
 * Serving's {@code BatchAggregator}). Each frame is admitted on a rung of its {@link QualityLadder}, at that rung's
 * cost: under load a frame runs on a cheaper model rather than be refused.
 *
 * <p>Plain Java with the clocks given, so the policy is tested without Vert.x or a model; the worker's verticle calls
 * it on its event loop only (not thread-safe).
 *
 * @param <T> what the worker keeps for each frame (its message and whatever was decoded ahead)
 */
final class WorkerMailbox<T> {

    /**
     * A frame admitted at {@code arrivedNanos} and not yet {@linkplain #enqueue in line} (being decoded ahead): from
     * admission on it counts as ahead of later frames, and its time here runs from then.
     */
    record Ticket(long arrivedNanos, ModelVariant asked, boolean fixed, Rung rung, double costMs) {

        /** This frame's ticket on another rung, costing {@code costMs}. */
        Ticket on(Rung other, double otherCostMs) {
            return new Ticket(arrivedNanos, asked, fixed, other, otherCostMs);
        }

        int costIndex() {
            return FrameCosts.index(rung, asked);
        }
    }

    /** A frame dropped from the line without being run, and why. */
    record Shed<T>(T frame, ShedReason reason) {}

    /**
     * What {@link #take} took.
     *
     * @param frames    the frames to run together, in their order of arrival; empty when none was left worth running
     * @param rungs     the rung each of {@code frames} runs on
     * @param shed      frames dropped on the way, to be refused
     * @param startedMs when the batch started, ms since the epoch (for each frame's queue time)
     */
    record Batch<T>(List<T> frames, List<Rung> rungs, List<Shed<T>> shed, long startedMs) {}

    /** What the worker should do after a frame joined the line or a batch ended. */
    enum Step {
        /** Nothing: a batch is running or due, or the line is empty. */
        WAIT,
        /** {@link #take} a batch now. */
        TAKE_NOW,
        /** {@link #take} a batch after {@code maxBatchDelayMs}, letting more frames join it. */
        TAKE_AFTER_DELAY,
        /** Stopping, and every frame taken in has been answered or refused. */
        DRAINED
    }

    private record Entry<T>(T frame, Ticket ticket, long expiresAtMs) {}

    private final int maxBatch;
    private final int maxBatchDelayMs;
    private final int maxQueueMs;
    private final LongSupplier nanoTime;
    private final LongSupplier currentTimeMillis;
    private final ArrayDeque<Entry<T>> waiting = new ArrayDeque<>();
    /** Admitted frames not yet in {@link #waiting} (decoding ahead), and their expected cost, ms. */
    private int admitted;

    private double admittedMs;
    /** The expected cost of the frames in {@link #waiting}, ms. */
    private double waitingMs;

    private final QualityLadder ladder;

    private boolean batchRunning;
    private boolean batchDue;
    private long batchStartedNanos;
    private double batchExpectedMs;
    /** How many frames of the running batch run at each {@link FrameCosts#index}. */
    private final int[] batchRan = new int[3];

    private boolean draining;

    /** The mailbox of a worker on {@code target} as {@code config} sets it, on the system's clocks. */
    static <T> WorkerMailbox<T> of(InferenceConfig config, ComputeTarget target) {
        return new WorkerMailbox<>(
                config.maxBatchFor(target),
                config.maxBatchDelayMs(),
                config.maxQueueMs(),
                config.degrade(),
                System::nanoTime,
                System::currentTimeMillis);
    }

    /**
     * @param maxBatch          most frames taken together
     * @param maxBatchDelayMs   longest the first frame of a batch waits for others, ms
     * @param maxQueueMs        longest a frame may expect to spend here, waiting and being run, ms
     * @param nanoTime          a monotonic clock, ns ({@link System#nanoTime()})
     * @param currentTimeMillis the wall clock deadlines are given in, ms since the epoch
     */
    WorkerMailbox(
            int maxBatch, int maxBatchDelayMs, int maxQueueMs, LongSupplier nanoTime, LongSupplier currentTimeMillis) {
        this(maxBatch, maxBatchDelayMs, maxQueueMs, false, nanoTime, currentTimeMillis);
    }

    /**
     * @param degrade whether frames climb down the {@link QualityLadder} under load ({@code inference.degrade = lite})
     *                rather than be refused
     */
    WorkerMailbox(
            int maxBatch,
            int maxBatchDelayMs,
            int maxQueueMs,
            boolean degrade,
            LongSupplier nanoTime,
            LongSupplier currentTimeMillis) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.maxBatchDelayMs = maxBatchDelayMs;
        this.maxQueueMs = maxQueueMs;
        this.nanoTime = nanoTime;
        this.currentTimeMillis = currentTimeMillis;
        this.ladder = new QualityLadder(degrade, maxQueueMs);
    }

    /** Starts the cost estimates from the warm-up's measures: until then nothing is refused. */
    void warmedUp(FrameCosts costs) {
        ladder.warmedUp(costs);
    }

    /** Starts every rung's cost estimate from one measure. */
    void warmedUp(double estimateMs) {
        warmedUp(FrameCosts.uniform(estimateMs));
    }

    /** The recent time per full-model frame at the networks, ms. */
    double msPerFrame() {
        return ladder.costMs(Rung.AS_ASKED, ModelVariant.FULL);
    }

    /** A frame of a full-model session that starts on the first rung (degraded only if this mailbox degrades). */
    Optional<Ticket> admit() {
        return admit(Rung.AS_ASKED, ModelVariant.FULL, false);
    }

    /**
     * Takes in a frame arriving now on the rung its {@link QualityLadder} chooses, or refuses it
     * ({@link ShedReason#QUEUE_FULL}) because on no rung open to it would it spend less than {@code maxQueueMs} here:
     * the rest of the running batch, the frames admitted before it, and itself. A worker with nothing to do never
     * refuses; a stopping one always does. Under overload the line stays short and answers stay fresh: the gateway drops
     * the refused frame and sends the next.
     *
     * @param previous the rung the session's last frame ran on
     * @param asked    the model the session asked for
     * @param fixed    the session keeps its model and is refused instead
     * @return the admitted frame's ticket for {@link #enqueue}, or empty when refused
     */
    Optional<Ticket> admit(Rung previous, ModelVariant asked, boolean fixed) {
        long now = nanoTime.getAsLong();
        ladder.arrived(now);
        if (draining) {
            return Optional.empty();
        }
        boolean idle = waiting.isEmpty() && admitted == 0 && !batchRunning;
        Rung rung = ladder.choose(previous, asked, fixed, idle, aheadMs(now), now);
        if (rung == null && !fixed && ladder.degrades() && cheapenWaiting()) {
            // A burst: the frames already in line make room by running cheaper, rather than this one be shed.
            rung = ladder.choose(previous, asked, false, false, aheadMs(now), now);
        }
        if (rung == null) {
            return Optional.empty();
        }
        double cost = ladder.costMs(rung, asked);
        admitted++;
        admittedMs += cost;
        return Optional.of(new Ticket(now, asked, fixed, rung, cost));
    }

    /**
     * Moves every frame in line that may be degraded to its cheapest rung.
     *
     * @return whether any became cheaper
     */
    private boolean cheapenWaiting() {
        // Under a long overload the line is already at its cheapest: checked before it is rebuilt.
        boolean cheaper = false;
        for (Entry<T> e : waiting) {
            Ticket t = e.ticket();
            cheaper |= !t.fixed() && ladder.cheapest(t.rung(), t.asked()) != t.rung();
        }
        if (!cheaper) {
            return false;
        }
        List<Entry<T>> line = new ArrayList<>(waiting);
        waiting.clear();
        waitingMs = 0;
        for (Entry<T> e : line) {
            Ticket t = e.ticket();
            Rung lowest = t.fixed() ? t.rung() : ladder.cheapest(t.rung(), t.asked());
            double cost = ladder.costMs(lowest, t.asked());
            Entry<T> moved = lowest == t.rung() ? e : new Entry<>(e.frame(), t.on(lowest, cost), e.expiresAtMs());
            waiting.add(moved);
            waitingMs += moved.ticket().costMs();
        }
        return true;
    }

    /** The work ahead of a frame arriving now, ms: the rest of the running batch, and every frame admitted. */
    private double aheadMs(long now) {
        double runningLeftMs = batchRunning ? Math.max(0, batchExpectedMs - (now - batchStartedNanos) / 1e6) : 0;
        return runningLeftMs + waitingMs + admittedMs;
    }

    /**
     * Puts an admitted frame in line, once it is ready (decoded ahead, or not); then ask {@link #next}.
     *
     * @param expiresAtMs when its gateway stops waiting for the answer, ms since the epoch
     */
    void enqueue(Ticket ticket, T frame, long expiresAtMs) {
        admitted--;
        admittedMs = admitted == 0 ? 0 : admittedMs - ticket.costMs();
        waitingMs += ticket.costMs();
        waiting.add(new Entry<>(frame, ticket, expiresAtMs));
    }

    /** What to do now. {@link Step#TAKE_AFTER_DELAY} is said once per batch: the batch counts as due until taken. */
    Step next() {
        if (batchRunning || batchDue || waiting.isEmpty()) {
            return draining && !batchRunning && waiting.isEmpty() && admitted == 0 ? Step.DRAINED : Step.WAIT;
        }
        if (waiting.size() >= maxBatch || maxBatchDelayMs == 0 || draining) {
            return Step.TAKE_NOW;
        }
        batchDue = true;
        return Step.TAKE_AFTER_DELAY;
    }

    /**
     * Takes the next batch from the head of the line, up to {@code maxBatch} frames, dropping on the way those no longer
     * worth running: their gateway has stopped waiting ({@link ShedReason#EXPIRED}), or they have already been here
     * {@code maxQueueMs} ({@link ShedReason#LATE}: the work ahead took longer than expected when they were admitted).
     * Either way they are refused rather than answered later still. A batch with frames runs until {@link #finish}.
     */
    Batch<T> take() {
        batchDue = false;
        long now = nanoTime.getAsLong();
        long nowMs = currentTimeMillis.getAsLong();
        List<T> frames = new ArrayList<>(Math.min(maxBatch, waiting.size()));
        List<Rung> rungs = new ArrayList<>(frames.size());
        List<Shed<T>> shed = new ArrayList<>();
        Arrays.fill(batchRan, 0);
        batchExpectedMs = 0;
        while (!waiting.isEmpty() && frames.size() < maxBatch) {
            Entry<T> e = waiting.poll();
            waitingMs = waiting.isEmpty() ? 0 : waitingMs - e.ticket().costMs();
            if (nowMs > e.expiresAtMs()) {
                shed.add(new Shed<>(e.frame(), ShedReason.EXPIRED));
            } else if ((now - e.ticket().arrivedNanos()) / 1e6 > maxQueueMs) {
                shed.add(new Shed<>(e.frame(), ShedReason.LATE));
            } else {
                frames.add(e.frame());
                rungs.add(e.ticket().rung());
                batchRan[e.ticket().costIndex()]++;
                batchExpectedMs += e.ticket().costMs();
            }
        }
        if (!frames.isEmpty()) {
            batchRunning = true;
            batchStartedNanos = now;
        }
        return new Batch<>(List.copyOf(frames), List.copyOf(rungs), List.copyOf(shed), nowMs);
    }

    /**
     * Ends the running batch; an answered one updates the costs of what it ran. Then ask {@link #next}.
     *
     * @param answered whether the networks answered it (a failed batch says nothing of the pace)
     * @return how long the batch ran, ms
     */
    double finish(boolean answered) {
        double batchMs = (nanoTime.getAsLong() - batchStartedNanos) / 1e6;
        batchRunning = false;
        if (answered) {
            ladder.ran(batchRan, batchMs);
        }
        return batchMs;
    }

    /**
     * Stops taking frames in: every later one is refused, those already admitted are still run, at once, without the
     * batch delay. {@link #next} says {@link Step#DRAINED} once they all have been.
     */
    void drain() {
        draining = true;
    }
}

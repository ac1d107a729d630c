package io.palmreader.inference;

import io.palmreader.vision.ComputeTarget;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * An inference worker's line of frames and the policy over it: which frames to take in, which to run together, which
 * to drop unrun, and how long a frame takes. Frames are admitted only while they could be answered within
 * {@code inference.maxQueueMs} by the worker's recent pace; batches of up to {@code maxBatch} are taken as soon as
 * that many wait or {@code maxBatchDelayMs} after the first, and a frame that has waited too long by the time its
 * batch starts, or that its gateway has given up on, is dropped rather than run (Triton's dynamic batcher, DJL
 * Serving's {@code BatchAggregator}).
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
    record Ticket(long arrivedNanos) {}

    /** A frame dropped from the line without being run, and why. */
    record Shed<T>(T frame, ShedReason reason) {}

    /**
     * What {@link #take} took.
     *
     * @param frames    the frames to run together, in their order of arrival; empty when none was left worth running
     * @param shed      frames dropped on the way, to be refused
     * @param startedMs when the batch started, ms since the epoch (for each frame's queue time)
     */
    record Batch<T>(List<T> frames, List<Shed<T>> shed, long startedMs) {}

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

    private record Entry<T>(T frame, long arrivedNanos, long expiresAtMs) {}

    private final int maxBatch;
    private final int maxBatchDelayMs;
    private final int maxQueueMs;
    private final LongSupplier nanoTime;
    private final LongSupplier currentTimeMillis;
    private final ArrayDeque<Entry<T>> waiting = new ArrayDeque<>();
    /** Admitted frames not yet in {@link #waiting} (decoding ahead). */
    private int admitted;

    private boolean batchRunning;
    private boolean batchDue;
    private long batchStartedNanos;
    private int batchSize;
    private boolean draining;
    /** Recent time per frame at the networks, ms (moving average), from the warm-up's estimate on. */
    private double msPerFrame;

    /** The mailbox of a worker on {@code target} as {@code config} sets it, on the system's clocks. */
    static <T> WorkerMailbox<T> of(InferenceConfig config, ComputeTarget target) {
        return new WorkerMailbox<>(
                config.maxBatchFor(target),
                config.maxBatchDelayMs(),
                config.maxQueueMs(),
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
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.maxBatchDelayMs = maxBatchDelayMs;
        this.maxQueueMs = maxQueueMs;
        this.nanoTime = nanoTime;
        this.currentTimeMillis = currentTimeMillis;
    }

    /** Starts the time-per-frame estimate from the warm-up's measure: until then nothing is refused. */
    void warmedUp(double estimateMs) {
        msPerFrame = estimateMs;
    }

    /** The recent time per frame at the networks, ms. */
    double msPerFrame() {
        return msPerFrame;
    }

    /**
     * Takes in a frame arriving now, or refuses it ({@link ShedReason#QUEUE_FULL}) because it would spend longer than
     * {@code maxQueueMs} here: the rest of the running batch, the frames admitted before it, and itself. A worker with
     * nothing to do never refuses; a stopping one always does. Under overload the line stays short and answers stay
     * fresh: the gateway drops the refused frame and sends the next.
     *
     * @return the admitted frame's ticket for {@link #enqueue}, or empty when refused
     */
    Optional<Ticket> admit() {
        long now = nanoTime.getAsLong();
        if (draining || wouldWaitTooLong(now)) {
            return Optional.empty();
        }
        admitted++;
        return Optional.of(new Ticket(now));
    }

    private boolean wouldWaitTooLong(long now) {
        int ahead = waiting.size() + admitted;
        if (ahead == 0 && !batchRunning) {
            return false;
        }
        double runningLeftMs = batchRunning ? Math.max(0, batchSize * msPerFrame - (now - batchStartedNanos) / 1e6) : 0;
        return runningLeftMs + (ahead + 1) * msPerFrame > maxQueueMs;
    }

    /**
     * Puts an admitted frame in line, once it is ready (decoded ahead, or not); then ask {@link #next}.
     *
     * @param expiresAtMs when its gateway stops waiting for the answer, ms since the epoch
     */
    void enqueue(Ticket ticket, T frame, long expiresAtMs) {
        admitted--;
        waiting.add(new Entry<>(frame, ticket.arrivedNanos(), expiresAtMs));
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
        List<Shed<T>> shed = new ArrayList<>();
        while (!waiting.isEmpty() && frames.size() < maxBatch) {
            Entry<T> e = waiting.poll();
            if (nowMs > e.expiresAtMs()) {
                shed.add(new Shed<>(e.frame(), ShedReason.EXPIRED));
            } else if ((now - e.arrivedNanos()) / 1e6 > maxQueueMs) {
                shed.add(new Shed<>(e.frame(), ShedReason.LATE));
            } else {
                frames.add(e.frame());
            }
        }
        if (!frames.isEmpty()) {
            batchRunning = true;
            batchStartedNanos = now;
            batchSize = frames.size();
        }
        return new Batch<>(List.copyOf(frames), List.copyOf(shed), nowMs);
    }

    /**
     * Ends the running batch; an answered one updates the time per frame. Then ask {@link #next}.
     *
     * @param answered whether the networks answered it (a failed batch says nothing of the pace)
     * @return how long the batch ran, ms
     */
    double finish(boolean answered) {
        double batchMs = (nanoTime.getAsLong() - batchStartedNanos) / 1e6;
        batchRunning = false;
        if (answered) {
            // The latest batch weighs a fifth: a few batches follow a change of pace, one slow batch does not shut the
            // door.
            msPerFrame = 0.8 * msPerFrame + 0.2 * batchMs / batchSize;
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

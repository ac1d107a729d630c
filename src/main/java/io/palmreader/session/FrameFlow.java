package io.palmreader.session;

import io.palmreader.inference.FrameAnswer;
import io.palmreader.inference.InferenceOutcome;
import io.palmreader.protocol.ClientFrame;
import io.palmreader.protocol.FrameNotice;
import io.palmreader.protocol.ProtocolException;
import io.palmreader.vision.FrameHeader;
import io.palmreader.vision.InvalidFrameException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/**
 * One session's mailbox: its frames on their way to inference, newest first. At most {@code inflight} frames are with
 * inference, one more waits, and a newer frame replaces the waiting one, so latency stays bounded by construction.
 * Frames are admitted against the size limit, the session's rate and its address's rate, in that order and before
 * their bytes are parsed or copied, and a frame kept for inference holds its size of the node's {@link FrameMemory}
 * until it is settled or replaced.
 *
 * <p>The mailbox lives in {@code session}, a layer below the gateway that knows nothing of it (no socket, no event
 * bus, no gateway class): the gateway's frame path feeds it and acts on what it decides. It owns the session's
 * lifecycle as the frames see it, open, draining ({@link #drain}: no new frames, those in flight finish) and closed
 * ({@link #close}), so that the parts above ask it where they are instead of being handed callbacks into the socket
 * adapter; the end of a drain is a future the adapter waits on. Pure but for the shared address limit's background
 * count and the node's frame memory; not thread-safe (one per session, on its event loop).
 */
public final class FrameFlow {

    private static final long RATE_LIMIT_NOTICE_INTERVAL_MS = 1000;

    /** A frame as received, with its arrival time for the server-side latency and the bytes it holds. */
    public record Arrival(ClientFrame frame, long receivedNanos, int bytes) {}

    /** What to do with a binary message. */
    public sealed interface Admission {}

    /** Send it to inference now. */
    public record Dispatch(Arrival arrival) implements Admission {}

    /** It waits for a slot; the frame it replaced, if any, is told {@code superseded}. */
    public record Wait(FrameNotice superseded) implements Admission {}

    /** It is refused; the client is told why. */
    public record Refuse(DropReason reason, FrameNotice notice) implements Admission {}

    private final int inflightLimit;
    private final int maxFrameBytes;
    private final int maxFps;
    private final long maxPixels;
    private final TokenBucket rate;
    private final SharedLimits limits;
    private final String address;
    private final FrameMemory memory;
    private int inflight;
    private Arrival waiting;
    private long lastRateNoticeMs = Long.MIN_VALUE / 2;
    private boolean overCapacityTold;
    /** Set while draining: completed once no frame is with inference, or the session closed. */
    private Promise<Void> drained;

    private boolean closed;

    /**
     * @param maxPixels the most pixels a frame may declare ({@code inference.maxPixels})
     * @param memory    the node's budget for the frames its sessions hold
     */
    public FrameFlow(
            int inflightLimit,
            int maxFrameBytes,
            int maxFps,
            long maxPixels,
            SharedLimits limits,
            String address,
            FrameMemory memory) {
        this.inflightLimit = inflightLimit;
        this.maxFrameBytes = maxFrameBytes;
        this.maxFps = maxFps;
        this.maxPixels = maxPixels;
        this.rate = new TokenBucket(maxFps);
        this.limits = limits;
        this.address = address;
        this.memory = memory;
    }

    /** Decides on one binary message received at {@code nowNanos} / {@code nowMs}. */
    public Admission admit(Buffer message, long nowNanos, long nowMs) {
        if (drained != null || closed) {
            return new Refuse(DropReason.SHUTTING_DOWN, null); // counted, not told: the client is about to be
        }
        int imageBytes = message.length() - ClientFrame.HEADER_BYTES;
        long seq = message.length() >= 6 ? message.getUnsignedInt(2) : -1;
        if (imageBytes > maxFrameBytes) {
            return refuse(
                    DropReason.FRAME_TOO_LARGE,
                    seq,
                    "frame of " + imageBytes + " bytes is over the limit of " + maxFrameBytes,
                    0);
        }
        // The rates come first: a frame over them costs no parsing and no copy of its bytes.
        long addressRetryMs = limits.frame(address);
        if (addressRetryMs > 0) {
            return rateLimited(seq, nowMs, "too many frames from this address", addressRetryMs);
        }
        if (!rate.tryAcquire(nowNanos)) {
            return rateLimited(
                    seq, nowMs, "more than " + maxFps + " frames per second; frames over the limit are dropped", 0);
        }
        ClientFrame frame;
        try {
            frame = ClientFrame.parse(message);
        } catch (ProtocolException e) {
            return refuse(DropReason.INVALID_FRAME, -1, e.getMessage(), 0);
        }
        try {
            // The container is read here, in plain Java, so that a bomb (too many pixels, too many scans) or a broken
            // file never takes a worker's time.
            FrameHeader.parse(frame.image().getBytes(), maxPixels);
        } catch (InvalidFrameException e) {
            boolean tooLarge = e.reason() == InvalidFrameException.Reason.TOO_LARGE;
            return refuse(
                    tooLarge ? DropReason.FRAME_TOO_LARGE : DropReason.INVALID_FRAME,
                    frame.sequence(),
                    e.getMessage(),
                    0);
        }
        Arrival arrival = new Arrival(frame, nowNanos, message.length());
        Arrival replaced = inflight < inflightLimit ? null : waiting;
        // A frame that replaces the waiting one takes over its share of the node's frame memory.
        long extra = arrival.bytes() - (replaced == null ? 0 : replaced.bytes());
        if (extra > 0 && !memory.reserve(extra)) {
            return dropped(DropReason.FRAME_MEMORY, frame.sequence());
        }
        if (extra < 0) {
            memory.release(-extra);
        }
        if (inflight < inflightLimit) {
            inflight++;
            return new Dispatch(arrival);
        }
        waiting = arrival;
        return new Wait(
                replaced == null
                        ? null
                        : dropped(DropReason.SUPERSEDED, replaced.frame().sequence())
                                .notice());
    }

    /** Errors about the rate are told once a second; the frames in between get {@code dropped}. */
    private Refuse rateLimited(long seq, long nowMs, String message, long retryAfterMs) {
        if (nowMs - lastRateNoticeMs >= RATE_LIMIT_NOTICE_INTERVAL_MS) {
            lastRateNoticeMs = nowMs;
            return refuse(DropReason.RATE_LIMITED, seq, message, retryAfterMs);
        }
        return dropped(DropReason.RATE_LIMITED, seq);
    }

    /** Told as an {@code error} with the reason's code. */
    private static Refuse refuse(DropReason reason, long seq, String message, long retryAfterMs) {
        return new Refuse(reason, new FrameNotice(seq, reason.tag(), reason.code(), message, retryAfterMs));
    }

    /** Told as a {@code dropped} notice only. */
    private static Refuse dropped(DropReason reason, long seq) {
        return new Refuse(reason, FrameNotice.dropped(seq, reason.tag()));
    }

    /**
     * A frame's outcome came back: its slot is free. Returns what to tell about it when it got no answer, with the
     * drop reason, or null when {@code outcome} is an answer to deliver.
     */
    public Refuse settle(Arrival arrival, InferenceOutcome outcome) {
        inflight--;
        memory.release(arrival.bytes());
        long seq = arrival.frame().sequence();
        if (outcome instanceof InferenceOutcome.Answered a) {
            return answered(seq, a.answer());
        }
        if (outcome instanceof InferenceOutcome.Busy) {
            // Capacity is there but taken: this frame is skipped and the session's next one goes ahead.
            overCapacityTold = false;
            return dropped(DropReason.WORKER_BUSY, seq);
        }
        if (outcome instanceof InferenceOutcome.NoCapacity n) {
            // Told once per outage, not once per frame: frames keep flowing and answers resume by themselves.
            if (overCapacityTold) {
                return dropped(DropReason.OVER_CAPACITY, seq);
            }
            overCapacityTold = true;
            return refuse(
                    DropReason.OVER_CAPACITY,
                    seq,
                    n.noWorkers() ? "no inference worker is running" : "inference did not answer in time",
                    0);
        }
        return refuse(DropReason.INTERNAL, seq, "inference failed for this frame", 0);
    }

    private Refuse answered(long seq, FrameAnswer answer) {
        if (answer.failed()) {
            return refuse(DropReason.of(answer.error()), seq, answer.errorMessage(), 0);
        }
        overCapacityTold = false;
        return null;
    }

    /**
     * The waiting frame, if a slot is free for it now; it then counts as in flight. Draining, there is none, and the
     * call after the last frame in flight was settled (and its answer delivered) ends the drain.
     */
    public Arrival next() {
        if (drained != null) {
            if (inflight == 0) {
                drained.tryComplete();
            }
            return null;
        }
        if (closed || waiting == null || inflight >= inflightLimit) {
            return null;
        }
        Arrival next = waiting;
        waiting = null;
        inflight++;
        return next;
    }

    /**
     * Takes no new frames from now on, forgets the waiting one (not counted as dropped: the client will resend it after
     * reconnecting), and completes once no frame is with inference: at once when none is, else on the {@link #next}
     * after the last one is settled, or when the session closes. Idempotent.
     */
    public Future<Void> drain() {
        if (drained == null) {
            drained = Promise.promise();
            discardWaiting();
            if (inflight == 0 || closed) {
                drained.tryComplete();
            }
        }
        return drained.future();
    }

    /** Whether the session is finishing its frames in flight before it closes. */
    public boolean draining() {
        return drained != null && !closed;
    }

    /**
     * The session is over: outcomes still to come are only settled, never delivered, and a drain in progress ends.
     * Returns the waiting frame's drop ({@link DropReason#SESSION_CLOSED}), or null when none waited or it was closed
     * already.
     */
    public DropReason close() {
        if (closed) {
            return null;
        }
        closed = true;
        boolean hadWaiting = discardWaiting();
        if (drained != null) {
            drained.tryComplete();
        }
        return hadWaiting ? DropReason.SESSION_CLOSED : null;
    }

    /** Whether the session is over. */
    public boolean closed() {
        return closed;
    }

    private boolean discardWaiting() {
        boolean had = waiting != null;
        if (had) {
            memory.release(waiting.bytes());
        }
        waiting = null;
        return had;
    }
}

package io.palmreader.session;

import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of frames a node's gateways hold for inference, in flight or waiting for a slot, against one budget
 * ({@code session.frameMemoryMb}). A session holds at most {@code session.inflight} + 1 frames of up to
 * {@code session.maxFrameBytes}, so without a node-wide bound the sessions' frames, not their own small state, would
 * decide how much heap a node needs. Shared by every gateway instance of the node; thread-safe.
 */
public final class FrameMemory implements Shareable {

    private final long budgetBytes;
    private final AtomicLong held = new AtomicLong();

    public FrameMemory(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** Default budget, MiB: a quarter of the heap, the rest left to sessions, answers and the workers' own copies. */
    public static int defaultBudgetMb() {
        return (int) Math.max(1, Runtime.getRuntime().maxMemory() / 4 / (1 << 20));
    }

    /** Takes {@code bytes} from the budget; false, taking nothing, when they do not fit. */
    boolean reserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > budgetBytes) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Bytes held now. */
    public long held() {
        return held.get();
    }
}

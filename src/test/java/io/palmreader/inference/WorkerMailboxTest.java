package io.palmreader.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.inference.WorkerMailbox.Batch;
import io.palmreader.inference.WorkerMailbox.Shed;
import io.palmreader.inference.WorkerMailbox.Step;
import io.palmreader.inference.WorkerMailbox.Ticket;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A worker's mailbox: frames admitted within inference.maxQueueMs, batched, and shed when too late")
class WorkerMailboxTest {

    private static final int MAX_QUEUE_MS = 100;
    /** A deadline no test reaches. */
    private static final long FAR = Long.MAX_VALUE;

    /** Both clocks a worker reads, moved by the test only. */
    private static final class FakeClock {
        long nanos = 7_000_000_000L;
        long millis = 1_800_000_000_000L;

        void advanceMs(long ms) {
            nanos += ms * 1_000_000;
            millis += ms;
        }
    }

    private final FakeClock clock = new FakeClock();

    private WorkerMailbox<String> mailbox(int maxBatch, int maxBatchDelayMs, double msPerFrame) {
        WorkerMailbox<String> m =
                new WorkerMailbox<>(maxBatch, maxBatchDelayMs, MAX_QUEUE_MS, () -> clock.nanos, () -> clock.millis);
        m.warmedUp(msPerFrame);
        return m;
    }

    /** Admits a frame and puts it in line at once, as a worker that decodes its own frames does. */
    private static boolean offer(WorkerMailbox<String> m, String frame, long expiresAtMs) {
        Optional<Ticket> ticket = m.admit();
        ticket.ifPresent(t -> m.enqueue(t, frame, expiresAtMs));
        return ticket.isPresent();
    }

    /** Offers frames that no deadline stops, each of which must be admitted. */
    private static void offerAll(WorkerMailbox<String> m, String... frames) {
        for (String f : frames) {
            assertTrue(offer(m, f, FAR), f + " admitted");
        }
    }

    /** How many frames in a row are admitted, up to 100. */
    private static int admitted(WorkerMailbox<String> m) {
        int n = 0;
        while (n < 100 && offer(m, "f" + n, FAR)) {
            n++;
        }
        return n;
    }

    @Test
    @DisplayName("frames are admitted while the running batch, those ahead and the frame itself fit in maxQueueMs")
    void admitsWithinTheBudgetAndRefusesBeyondIt() {
        WorkerMailbox<String> m = mailbox(1, 0, 20);
        assertTrue(offer(m, "first", FAR));
        assertEquals(Step.TAKE_NOW, m.next());
        assertEquals(List.of("first"), m.take().frames());
        // 20 ms left of the running frame, then 20 ms each: four more make 100 ms, a fifth would make 120.
        assertEquals(4, admitted(m));
        assertTrue(m.admit().isEmpty(), "the next is refused too (queue_full)");
        // Half the running frame done: 10 ms freed, not yet a whole frame's worth.
        clock.advanceMs(10);
        assertTrue(m.admit().isEmpty());
        clock.advanceMs(10);
        assertTrue(m.admit().isPresent(), "the running frame's expected time is over: room for one more");
    }

    @Test
    @DisplayName("frames being decoded ahead count as ahead of later ones until they join the line")
    void admittedFramesNotYetInLineCount() {
        WorkerMailbox<String> m = mailbox(1, 0, 30);
        Ticket first = m.admit().orElseThrow();
        m.admit().orElseThrow();
        m.admit().orElseThrow();
        assertTrue(m.admit().isEmpty(), "three of 30 ms are ahead: a fourth would wait 120 ms");
        m.enqueue(first, "first", FAR);
        assertEquals(Step.TAKE_NOW, m.next());
    }

    @Test
    @DisplayName("a worker with nothing to do takes a frame whatever its pace; the warm-up's estimate sets the pace")
    void idleWorkerNeverRefusesAndWarmUpSetsThePace() {
        WorkerMailbox<String> unwarmed = new WorkerMailbox<>(1, 0, MAX_QUEUE_MS, () -> clock.nanos, () -> clock.millis);
        assertEquals(100, admitted(unwarmed), "before the warm-up's estimate nothing is refused");

        WorkerMailbox<String> slow = mailbox(1, 0, 500);
        assertTrue(offer(slow, "first", FAR), "idle: taken although one frame takes longer than maxQueueMs");
        assertTrue(slow.admit().isEmpty());

        WorkerMailbox<String> fast = mailbox(1, 0, 25);
        assertEquals(4, admitted(fast));
    }

    @Test
    @DisplayName("a frame that has been here longer than maxQueueMs when its batch starts is not run (late)")
    void lateFramesAtTheHeadAreShed() {
        WorkerMailbox<String> m = mailbox(1, 0, 20);
        offerAll(m, "first", "second", "third");
        m.next();
        assertEquals(List.of("first"), m.take().frames());
        // The first frame took far longer than expected: the two behind it waited past the limit.
        clock.advanceMs(MAX_QUEUE_MS + 1);
        m.finish(true);
        assertEquals(Step.TAKE_NOW, m.next());
        Batch<String> batch = m.take();
        assertEquals(List.of(), batch.frames(), "the batch looked past the late frames for one worth running");
        assertEquals(
                List.of(new Shed<>("second", ShedReason.LATE), new Shed<>("third", ShedReason.LATE)), batch.shed());
        assertEquals(Step.WAIT, m.next(), "nothing left");
        assertTrue(offer(m, "fourth", FAR), "a worker whose line was shed is idle again");
    }

    @Test
    @DisplayName("a frame whose gateway stopped waiting is not run (expired), one at its deadline still is")
    void expiredFramesAreShed() {
        WorkerMailbox<String> m = mailbox(4, 0, 1);
        long deadline = clock.millis + 10;
        offer(m, "expires", deadline);
        offer(m, "later", deadline + 1);
        offer(m, "fresh", FAR);
        clock.advanceMs(11);
        m.next();
        Batch<String> batch = m.take();
        assertEquals(List.of("later", "fresh"), batch.frames());
        assertEquals(List.of(new Shed<>("expires", ShedReason.EXPIRED)), batch.shed());
        assertEquals(clock.millis, batch.startedMs());
    }

    @Test
    @DisplayName("expired wins over late when a frame is both")
    void expiredBeforeLate() {
        WorkerMailbox<String> m = mailbox(1, 0, 1);
        offer(m, "both", clock.millis + 5);
        clock.advanceMs(MAX_QUEUE_MS + 1);
        m.next();
        assertEquals(List.of(new Shed<>("both", ShedReason.EXPIRED)), m.take().shed());
    }

    @Test
    @DisplayName("batches take up to maxBatch frames in their order of arrival, one batch at a time")
    void batchesUpToMaxBatch() {
        WorkerMailbox<String> m = mailbox(3, 0, 1);
        offerAll(m, "a", "b", "c", "d", "e");
        assertEquals(Step.TAKE_NOW, m.next());
        assertEquals(List.of("a", "b", "c"), m.take().frames());
        assertEquals(Step.WAIT, m.next(), "a batch is running");
        m.finish(true);
        assertEquals(Step.TAKE_NOW, m.next());
        assertEquals(List.of("d", "e"), m.take().frames());
    }

    @Test
    @DisplayName("with maxBatchDelayMs a lone frame waits for others, once; a full batch goes at once")
    void batchDelay() {
        WorkerMailbox<String> m = mailbox(3, 5, 1);
        offer(m, "a", FAR);
        assertEquals(Step.TAKE_AFTER_DELAY, m.next());
        offer(m, "b", FAR);
        assertEquals(Step.WAIT, m.next(), "the batch is already due: no second timer");
        offer(m, "c", FAR);
        assertEquals(Step.WAIT, m.next(), "due, even full: it goes when the delay ends");
        clock.advanceMs(5);
        assertEquals(List.of("a", "b", "c"), m.take().frames());
        m.finish(true);

        offerAll(m, "d", "e", "f");
        assertEquals(Step.TAKE_NOW, m.next(), "maxBatch frames waiting: no reason to wait");
    }

    @Test
    @DisplayName("each answered batch moves the time per frame a fifth of the way to its own; a failed one does not")
    void estimateFollowsAnsweredBatches() {
        WorkerMailbox<String> m = mailbox(2, 0, 10);
        offerAll(m, "a", "b");
        m.next();
        m.take();
        clock.advanceMs(40);
        assertEquals(40.0, m.finish(true), 1e-9);
        assertEquals(0.8 * 10 + 0.2 * 20, m.msPerFrame(), 1e-9);

        offer(m, "c", FAR);
        m.next();
        m.take();
        clock.advanceMs(90);
        assertEquals(90.0, m.finish(false), 1e-9);
        assertEquals(12.0, m.msPerFrame(), 1e-9, "a failed batch says nothing of the pace");
    }

    @Test
    @DisplayName("a draining mailbox refuses new frames, runs those it took at once, then says it is drained")
    void drains() {
        WorkerMailbox<String> m = mailbox(4, 50, 1);
        offer(m, "a", FAR);
        Ticket decoding = m.admit().orElseThrow();
        m.drain();
        assertTrue(m.admit().isEmpty(), "refused: the worker is stopping");
        assertEquals(Step.TAKE_NOW, m.next(), "no batch delay when stopping");
        assertEquals(List.of("a"), m.take().frames());
        m.finish(true);
        assertEquals(Step.WAIT, m.next(), "one frame is still being decoded");
        m.enqueue(decoding, "b", FAR);
        assertEquals(Step.TAKE_NOW, m.next());
        m.take();
        assertEquals(Step.WAIT, m.next(), "its batch is running");
        m.finish(true);
        assertEquals(Step.DRAINED, m.next());
    }
}

package io.palmreader.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.inference.InferenceOutcome;
import io.palmreader.protocol.ClientFrame;
import io.palmreader.store.MemoryKeyValueStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A session's frame flow: rates before parsing, and frames held against the node's frame memory")
class FrameFlowTest {

    private static final long MB = 1 << 20;
    private static final byte[] IMAGE = realJpegOfAbout(2000);

    private final SharedLimits noAddressLimit = new SharedLimits(new MemoryKeyValueStore(), 0, 0, 0);

    private FrameFlow flow(int maxFps, FrameMemory memory) {
        return new FrameFlow(1, 4 << 20, maxFps, 4_000_000, noAddressLimit, "198.51.100.1", memory);
    }

    private static Buffer frame(long seq, byte[] image) {
        return ClientFrame.encode(seq, 0, image);
    }

    @Test
    @DisplayName("a frame over the session's rate is refused for the rate before its bytes are read as a frame")
    void rateComesBeforeParsing() {
        FrameFlow flow = flow(1, new FrameMemory(100 * MB));
        long now = System.nanoTime();
        // Version 9: not a frame this server reads. The first is refused as invalid; the second, over the rate of one a
        // second, is refused for the rate, so it was never parsed.
        Buffer notAFrame = frame(1, IMAGE).setUnsignedByte(0, (short) 9);
        assertEquals(DropReason.INVALID_FRAME, ((FrameFlow.Refuse) flow.admit(notAFrame, now, 0)).reason());
        assertEquals(DropReason.RATE_LIMITED, ((FrameFlow.Refuse) flow.admit(notAFrame, now + 1000, 0)).reason());
    }

    @Test
    @DisplayName(
            "frames in flight and waiting hold the node's frame memory; past it frames are dropped, settled ones free it")
    void framesHoldTheNodesFrameMemory() {
        byte[] photo = realJpegOfAbout((int) MB);
        FrameMemory memory = new FrameMemory(3L * (photo.length + ClientFrame.HEADER_BYTES));
        FrameFlow a = flow(1000, memory);
        FrameFlow b = flow(1000, memory);
        long t = System.nanoTime();
        FrameFlow.Dispatch first = assertInstanceOf(FrameFlow.Dispatch.class, a.admit(frame(1, photo), t, 0));
        assertInstanceOf(FrameFlow.Wait.class, a.admit(frame(2, photo), t + 1, 0));
        // A newer frame replaces the waiting one and takes over its share: nothing more is held.
        long held = memory.held();
        assertInstanceOf(FrameFlow.Wait.class, a.admit(frame(3, photo), t + 2, 0));
        assertEquals(held, memory.held());
        FrameFlow.Dispatch third = assertInstanceOf(FrameFlow.Dispatch.class, b.admit(frame(1, photo), t + 3, 0));
        assertEquals(3 * (long) (photo.length + ClientFrame.HEADER_BYTES), memory.held());
        FrameFlow.Refuse full = assertInstanceOf(FrameFlow.Refuse.class, b.admit(frame(2, photo), t + 4, 0));
        assertEquals(DropReason.FRAME_MEMORY, full.reason());
        assertEquals("frame_memory", full.notice().reason());
        // An answered frame frees its share; the session's waiting frame goes next and keeps its own.
        a.settle(first.arrival(), new InferenceOutcome.Busy());
        assertEquals(3, a.next().frame().sequence());
        assertEquals(2 * (long) (photo.length + ClientFrame.HEADER_BYTES), memory.held());
        assertInstanceOf(FrameFlow.Wait.class, b.admit(frame(3, photo), t + 5, 0));
        b.drain();
        b.settle(third.arrival(), new InferenceOutcome.NoCapacity(false));
        assertEquals(photo.length + ClientFrame.HEADER_BYTES, memory.held(), "only a's frame in flight is held");
    }

    @Test
    @DisplayName("draining: no new frames, the waiting one forgotten, done on the next() after the last answer")
    void drainEndsWhenTheLastFrameInFlightIsSettled() {
        FrameMemory memory = new FrameMemory(100 * MB);
        FrameFlow flow = flow(1000, memory);
        long t = System.nanoTime();
        FrameFlow.Dispatch first = assertInstanceOf(FrameFlow.Dispatch.class, flow.admit(frame(1, IMAGE), t, 0));
        assertInstanceOf(FrameFlow.Wait.class, flow.admit(frame(2, IMAGE), t + 1, 0));
        Future<Void> drained = flow.drain();
        assertTrue(flow.draining());
        assertEquals(IMAGE.length + ClientFrame.HEADER_BYTES, memory.held(), "the waiting frame is let go");
        FrameFlow.Refuse late = assertInstanceOf(FrameFlow.Refuse.class, flow.admit(frame(3, IMAGE), t + 2, 0));
        assertEquals(DropReason.SHUTTING_DOWN, late.reason());
        assertNull(late.notice(), "counted, not told");
        flow.settle(first.arrival(), new InferenceOutcome.Busy());
        assertFalse(drained.isComplete(), "the answer is delivered before the drain ends");
        assertNull(flow.next());
        assertTrue(drained.succeeded());
        assertSame(drained, flow.drain(), "draining again is the same drain");
        assertFalse(flow.closed());
    }

    @Test
    @DisplayName("closing: the waiting frame is dropped as session_closed once, and a drain in progress ends")
    void closeEndsTheDrainAndDropsTheWaitingFrame() {
        FrameFlow flow = flow(1000, new FrameMemory(100 * MB));
        long t = System.nanoTime();
        FrameFlow.Dispatch first = assertInstanceOf(FrameFlow.Dispatch.class, flow.admit(frame(1, IMAGE), t, 0));
        assertInstanceOf(FrameFlow.Wait.class, flow.admit(frame(2, IMAGE), t + 1, 0));
        assertEquals(DropReason.SESSION_CLOSED, flow.close());
        assertTrue(flow.closed());
        assertNull(flow.close(), "closed once");
        assertTrue(flow.drain().succeeded(), "nothing is left to finish");
        assertFalse(flow.draining());
        flow.settle(first.arrival(), new InferenceOutcome.Busy());
        assertNull(flow.next(), "a closed session dispatches nothing");

        FrameFlow draining = flow(1000, new FrameMemory(100 * MB));
        assertInstanceOf(FrameFlow.Dispatch.class, draining.admit(frame(1, IMAGE), t, 0));
        Future<Void> drained = draining.drain();
        assertFalse(drained.isComplete());
        assertNull(draining.close(), "no frame waited");
        assertTrue(drained.succeeded(), "a session closed while draining has nothing left to finish");
    }

    /** A valid baseline JPEG header padded with entropy-coded bytes to about {@code size} bytes. */
    private static byte[] realJpegOfAbout(int size) {
        Buffer b = Buffer.buffer();
        b.appendBytes(new byte[] {(byte) 0xff, (byte) 0xd8});
        // SOF0: 8-bit, 16x16, one component.
        b.appendBytes(new byte[] {(byte) 0xff, (byte) 0xc0, 0, 11, 8, 0, 16, 0, 16, 1, 1, 0x11, 0});
        // SOS: one component.
        b.appendBytes(new byte[] {(byte) 0xff, (byte) 0xda, 0, 8, 1, 1, 0, 0, 63, 0});
        while (b.length() < size - 2) {
            b.appendByte((byte) 0x55);
        }
        b.appendBytes(new byte[] {(byte) 0xff, (byte) 0xd9});
        return b.getBytes();
    }
}

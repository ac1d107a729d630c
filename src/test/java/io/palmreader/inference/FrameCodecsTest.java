package io.palmreader.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.protocol.ErrorCode;
import io.palmreader.vision.Gesture;
import io.palmreader.vision.Hand;
import io.palmreader.vision.HandRegion;
import io.palmreader.vision.Handedness;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.StageTimings;
import io.palmreader.vision.TrackingState;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Frames and answers cross the cluster in a binary codec and come back equal")
class FrameCodecsTest {

    private static final HandRegion REGION = new HandRegion(100.5f, 80.25f, 60, 60, 0.3f);

    @Test
    @DisplayName("a task: ids, times, options, tracking state and the image bytes")
    void task() {
        byte[] image = {(byte) 0xFF, (byte) 0xD8, 42};
        FrameTask t = new FrameTask(
                "s-1",
                4_000_000_000L,
                123L,
                456L,
                1456L,
                ModelVariant.LITE,
                Rung.SPARSE_SEARCH,
                true,
                1,
                new TrackingState(640, 480, List.of(REGION), 3, new byte[] {1, 2, 3}),
                Buffer.buffer(image));
        FrameCodecs.TaskCodec codec = new FrameCodecs.TaskCodec();
        Buffer wire = Buffer.buffer().appendString("xx");
        codec.encodeToWire(wire, t);
        FrameTask back = codec.decodeFromWire(2, wire);
        assertEquals("s-1", back.sessionId());
        assertEquals(4_000_000_000L, back.sequence());
        assertEquals(ModelVariant.LITE, back.model());
        assertEquals(Rung.SPARSE_SEARCH, back.rung());
        assertTrue(back.fixedQuality());
        assertEquals(t.tracking(), back.tracking());
        assertArrayEquals(image, back.image().getBytes());
    }

    @Test
    @DisplayName("an answer: hands with landmarks and gesture, tracking, timings, worker; and a refusal's code")
    void answer() {
        float[] landmarks = new float[63];
        for (int i = 0; i < landmarks.length; i++) {
            landmarks[i] = i / 100f;
        }
        Hand hand = new Hand(landmarks, new float[63], 0.97f, Handedness.LEFT, 0.9f, Gesture.OK, 0.8f, REGION);
        FrameAnswer a = new FrameAnswer(
                9,
                640,
                480,
                List.of(hand),
                true,
                new TrackingState(640, 480, List.of(REGION), 0),
                ModelVariant.LITE,
                Rung.LITE,
                new StageTimings(1, 2, 3, 4, 10),
                0.5,
                4,
                "node/cpu",
                null,
                null);
        FrameCodecs.AnswerCodec codec = new FrameCodecs.AnswerCodec();
        Buffer wire = Buffer.buffer();
        codec.encodeToWire(wire, a);
        FrameAnswer back = codec.decodeFromWire(0, wire);
        assertArrayEquals(landmarks, back.hands().get(0).landmarks());
        assertEquals(Gesture.OK, back.hands().get(0).gesture());
        assertEquals(Handedness.LEFT, back.hands().get(0).handedness());
        assertEquals(REGION, back.hands().get(0).region());
        assertEquals(a.tracking(), back.tracking());
        assertEquals(a.timings(), back.timings());
        assertEquals(4, back.batchSize());
        assertEquals(ModelVariant.LITE, back.model());
        assertEquals(Rung.LITE, back.rung());
        assertNull(back.error());

        FrameAnswer refused = new FrameAnswer(
                10,
                0,
                0,
                List.of(),
                false,
                TrackingState.NONE,
                ModelVariant.FULL,
                Rung.AS_ASKED,
                StageTimings.ZERO,
                0,
                1,
                "node/cpu",
                ErrorCode.INVALID_FRAME,
                "JPEG ends before its image data");
        Buffer wire2 = Buffer.buffer();
        codec.encodeToWire(wire2, refused);
        FrameAnswer back2 = codec.decodeFromWire(0, wire2);
        assertEquals(ErrorCode.INVALID_FRAME, back2.error());
        assertEquals("JPEG ends before its image data", back2.errorMessage());
    }
}

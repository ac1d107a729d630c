package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The batch pipeline: many streams per call, tracking between frames, failures kept per frame")
class HandPipelineTest {

    private static final byte[] THUMB_UP = TestPhotos.resource("hands/thumbs_up/wasmedge_thumbs_up.jpg");
    private static final byte[] VICTORY = TestPhotos.resource("hands/victory/wasmedge_victory.jpg");
    private static final byte[] NO_HAND = TestPhotos.resource("hands/no_hand/tfjs_livingroom.jpg");

    private HandPipeline twoHands;
    private HandPipeline oneHand;

    @BeforeAll
    void loadModels() {
        twoHands = new HandPipeline(PipelineOptions.defaults());
        oneHand = new HandPipeline(PipelineOptions.defaults().withMaxHands(1));
    }

    @AfterAll
    void closeModels() {
        twoHands.close();
        oneHand.close();
    }

    @Test
    @DisplayName("N frames in give N results in order; a malformed frame fails alone with its reason")
    void batchKeepsOrderAndIsolatesFailures() {
        byte[] garbage = "definitely not an image".getBytes();
        List<FrameResult> results = twoHands.process(List.of(
                new FrameRequest(THUMB_UP, TrackingState.NONE),
                new FrameRequest(garbage, TrackingState.NONE),
                new FrameRequest(VICTORY, null),
                new FrameRequest(NO_HAND, TrackingState.NONE)));
        assertEquals(4, results.size());
        assertEquals(Gesture.THUMB_UP, results.get(0).hands().get(0).gesture());
        assertTrue(results.get(1).failed());
        assertEquals(
                InvalidFrameException.Reason.UNSUPPORTED_FORMAT,
                ((InvalidFrameException) results.get(1).error()).reason());
        assertTrue(results.get(1).hands().isEmpty());
        assertEquals(Gesture.VICTORY, results.get(2).hands().get(0).gesture());
        assertTrue(results.get(3).hands().isEmpty());
        assertTrue(results.get(3).detectorRan());
        for (FrameResult r : results) {
            assertTrue(r.timings().totalMs() >= r.timings().decodeMs(), "total includes decode");
        }
    }

    @Test
    @DisplayName("a batch gives the same landmarks as the same frames one at a time")
    void batchedEqualsSingle() {
        List<FrameResult> batch = twoHands.process(
                List.of(new FrameRequest(THUMB_UP, TrackingState.NONE), new FrameRequest(VICTORY, TrackingState.NONE)));
        FrameResult a = twoHands.process(List.of(new FrameRequest(THUMB_UP, TrackingState.NONE)))
                .get(0);
        FrameResult b = twoHands.process(List.of(new FrameRequest(VICTORY, TrackingState.NONE)))
                .get(0);
        assertEquals(
                0,
                ReferencePhotosTest.meanDistance(
                        a.hands().get(0).landmarks(),
                        batch.get(0).hands().get(0).landmarks()),
                1e-4);
        assertEquals(
                0,
                ReferencePhotosTest.meanDistance(
                        b.hands().get(0).landmarks(),
                        batch.get(1).hands().get(0).landmarks()),
                1e-4);
    }

    @Test
    @DisplayName("with maxHands hands tracked the palm detector is skipped and the hand is still found")
    void trackingSkipsTheDetector() {
        FrameResult first = oneHand.process(List.of(new FrameRequest(THUMB_UP, TrackingState.NONE)))
                .get(0);
        assertTrue(first.detectorRan());
        assertEquals(1, first.tracking().regions().size());
        FrameResult second = oneHand.process(List.of(new FrameRequest(THUMB_UP, first.tracking())))
                .get(0);
        assertFalse(second.detectorRan());
        assertEquals(0, second.timings().palmMs());
        assertEquals(1, second.hands().size());
        assertEquals(Gesture.THUMB_UP, second.hands().get(0).gesture());
        assertTrue(ReferencePhotosTest.meanDistance(
                        first.hands().get(0).landmarks(), second.hands().get(0).landmarks())
                < 0.01);
    }

    @Test
    @DisplayName("with some but fewer than maxHands tracked, new hands are searched every palmSearchInterval frames")
    void searchesForNewHandsAtTheInterval() {
        TrackingState state = TrackingState.NONE;
        List<Integer> searched = new ArrayList<>();
        for (int frame = 0; frame < 30; frame++) {
            FrameResult r =
                    twoHands.process(List.of(new FrameRequest(THUMB_UP, state))).get(0);
            assertEquals(1, r.hands().size(), "frame " + frame);
            if (r.detectorRan()) {
                searched.add(frame);
            }
            state = r.tracking();
        }
        assertEquals(List.of(0, 10, 20), searched);
    }

    @Test
    @DisplayName("a frame on which every tracked hand is lost is searched by the palm detector at once")
    void lostHandIsSearchedInTheSameFrame() {
        FrameResult withHand = oneHand.process(List.of(new FrameRequest(THUMB_UP, TrackingState.NONE)))
                .get(0);
        byte[] empty = blankJpeg(withHand.width(), withHand.height());
        FrameResult gone = oneHand.process(List.of(new FrameRequest(empty, withHand.tracking())))
                .get(0);
        assertTrue(gone.detectorRan(), "the tracked region came up empty, so the detector looked at the same frame");
        assertTrue(gone.hands().isEmpty());
        assertTrue(gone.tracking().isEmpty());
        FrameResult next = oneHand.process(List.of(new FrameRequest(THUMB_UP, gone.tracking())))
                .get(0);
        assertTrue(next.detectorRan());
        assertEquals(1, next.hands().size());
    }

    @Test
    @DisplayName("a stream of unrelated photos of one size finds, in each, the hands a fresh search finds")
    void unrelatedPhotosInOneStreamLoseNoHand() {
        List<byte[]> photos = List.of(
                TestPhotos.resource("hands/pointing_up/hagrid_one_00b85ea4.jpg"),
                TestPhotos.resource("hands/thumbs_down/hagrid_dislike_00c84257.jpg"),
                TestPhotos.resource("hands/pointing_up/hagrid_one_0a0ef3d2.jpg"),
                TestPhotos.resource("hands/pointing_up/hagrid_one_00b85ea4.jpg"),
                TestPhotos.resource("hands/thumbs_down/hagrid_dislike_00c84257.jpg"));
        TrackingState state = TrackingState.NONE;
        for (int k = 0; k < 2 * photos.size(); k++) {
            byte[] photo = photos.get(k % photos.size());
            FrameResult fresh = twoHands.process(List.of(new FrameRequest(photo, TrackingState.NONE)))
                    .get(0);
            FrameResult streamed =
                    twoHands.process(List.of(new FrameRequest(photo, state))).get(0);
            assertEquals(fresh.hands().size(), streamed.hands().size(), "photo " + k + " of the stream");
            state = streamed.tracking();
        }
    }

    @Test
    @DisplayName("a tracking state from a frame of another size is ignored")
    void trackingStateOfAnotherSizeIsIgnored() {
        FrameResult thumb = oneHand.process(List.of(new FrameRequest(THUMB_UP, TrackingState.NONE)))
                .get(0);
        FrameResult victory = oneHand.process(List.of(new FrameRequest(VICTORY, thumb.tracking())))
                .get(0);
        assertTrue(victory.detectorRan());
        assertEquals(Gesture.VICTORY, victory.hands().get(0).gesture());
    }

    @Test
    @DisplayName("landmarks are normalized to the frame and handedness is Left or Right with its score")
    void resultShape() {
        Hand hand = twoHands.process(List.of(new FrameRequest(VICTORY, TrackingState.NONE)))
                .get(0)
                .hands()
                .get(0);
        assertEquals(63, hand.landmarks().length);
        assertEquals(63, hand.worldLandmarks().length);
        for (int j = 0; j < Hand.LANDMARKS; j++) {
            assertTrue(hand.x(j) > 0 && hand.x(j) < 1 && hand.y(j) > 0 && hand.y(j) < 1, "landmark " + j + " inside");
        }
        assertNotNull(hand.handedness());
        assertTrue(hand.handednessScore() >= 0.5 && hand.handednessScore() <= 1);
        assertTrue(hand.presence() > 0.5);
    }

    @Test
    @DisplayName("frames and tracking states must pair up")
    void framesAndStatesPairUp() {
        assertThrows(
                IllegalArgumentException.class, () -> twoHands.processDecoded(List.of(), List.of(TrackingState.NONE)));
    }

    @Test
    @DisplayName("bad options are refused with the name of the option and what is allowed")
    void badOptions() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> PipelineOptions.defaults().withMaxHands(0));
        assertTrue(e.getMessage().contains("maxHands"));
        e = assertThrows(
                IllegalArgumentException.class, () -> PipelineOptions.defaults().withConfidences(1.5f, 0.5f, 0.5f));
        assertTrue(e.getMessage().contains("minDetectionConfidence"));
        e = assertThrows(IllegalArgumentException.class, () -> ModelVariant.parse("huge"));
        assertTrue(e.getMessage().contains("lite or full"));
    }

    @Test
    @DisplayName("a model folder without the models fails loading with the missing file named")
    void missingModelIsNamed(@TempDir Path empty) {
        ModelLoadException e =
                assertThrows(ModelLoadException.class, () -> new HandPipeline(PipelineOptions.defaults(), empty));
        assertTrue(e.getMessage().contains("palm_detection_full.tflite"), e.getMessage());
    }

    @Test
    @DisplayName("a model file that is not a TFLite model fails loading on either engine, the file named")
    void notAModelIsNamed(@TempDir Path folder) throws Exception {
        for (ModelVariant v : ModelVariant.values()) {
            java.nio.file.Files.write(folder.resolve(v.palmDetectorFile()), "not a flat buffer at all".getBytes());
            java.nio.file.Files.write(folder.resolve(v.landmarkFile()), new byte[4096]);
        }
        ModelLoadException tflite = assertThrows(
                ModelLoadException.class,
                () -> new HandPipeline(PipelineOptions.defaults(), folder, EngineOptions.CPU));
        assertTrue(tflite.getMessage().contains("palm_detection_full.tflite"), tflite.getMessage());
        assertTrue(tflite.getMessage().contains("not a TensorFlow Lite model"), tflite.getMessage());
        ModelLoadException opencv = assertThrows(
                ModelLoadException.class,
                () -> new HandPipeline(
                        PipelineOptions.defaults(),
                        folder,
                        new EngineOptions(EngineKind.OPENCV, ComputeTarget.CPU, 1)));
        assertTrue(opencv.getMessage().contains("palm_detection_full.tflite"), opencv.getMessage());
    }

    @Test
    @DisplayName(
            "a network failing on one frame of a batch fails that frame alone, naming the stage; the next batch runs")
    void networkFailureFailsTheFrameAlone() {
        byte[] poison = blankJpeg(333, 333);
        try (HandPipeline pipeline = new HandPipeline(
                PipelineOptions.defaults(), new FailingOnWidth(EngineOptions.CPU.open(null, ModelVariant.FULL), 333))) {
            List<FrameResult> results = pipeline.process(List.of(
                    new FrameRequest(THUMB_UP, TrackingState.NONE),
                    new FrameRequest(poison, TrackingState.NONE),
                    new FrameRequest(VICTORY, TrackingState.NONE)));
            assertEquals(Gesture.THUMB_UP, results.get(0).hands().get(0).gesture());
            InferenceException e = (InferenceException) results.get(1).error();
            assertEquals("palm detection", e.stage());
            assertTrue(e.getMessage().contains("palm_detection_full.tflite"), e.getMessage());
            assertEquals(Gesture.VICTORY, results.get(2).hands().get(0).gesture());
            FrameResult after = pipeline.process(List.of(new FrameRequest(THUMB_UP, TrackingState.NONE)))
                    .get(0);
            assertEquals(Gesture.THUMB_UP, after.hands().get(0).gesture());
        }
    }

    /** A real engine whose palm detector fails, as an interpreter error would, on frames of one width. */
    private record FailingOnWidth(ModelEngine real, int width) implements ModelEngine {
        @Override
        public String description() {
            return real.description();
        }

        @Override
        public EngineKind kind() {
            return real.kind();
        }

        @Override
        public List<PalmTensors> detectPalms(List<ModelInput> inputs) {
            for (ModelInput in : inputs) {
                if (in.frame().width() == width) {
                    throw new InferenceException(
                            "palm detection", "palm_detection_full.tflite", "TensorFlow Lite returned status 1");
                }
            }
            return real.detectPalms(inputs);
        }

        @Override
        public List<LandmarkTensors> findLandmarks(List<ModelInput> inputs) {
            return real.findLandmarks(inputs);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    private static byte[] blankJpeg(int width, int height) {
        try (Mat black = new Mat(height, width, CV_8UC3, new Scalar(40, 40, 40, 0));
                BytePointer out = new BytePointer()) {
            imencode(".jpg", black, out);
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}

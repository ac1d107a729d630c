package io.palmreader.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.vision.TestPhotos.Photo;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The pipeline on real photos agrees with MediaPipe's own output, on both engines")
class ReferencePhotosTest {

    /**
     * Mean over every reference hand of its mean landmark distance to MediaPipe's, normalized to the image. OpenCV's
     * importer once dropped the dense layers' biases, a median shift of 0.002 per hand with many hands far beyond: a
     * regression of that size fails here.
     */
    static final double MAX_MEAN_DISTANCE = 0.003;

    /** The same for world landmarks, in metres: 5 mm, where a hand spans about 20 cm. */
    static final double MAX_MEAN_WORLD_DISTANCE = 0.005;

    /** One hand's landmarks that far off is another hand, or none: no single hand may be. */
    static final double MAX_HAND_DISTANCE = 0.02;

    /** The two engines on the same crops: the same networks, so only arithmetic differs. */
    static final double MAX_ENGINE_DIFFERENCE = 0.002;

    private final Map<EngineKind, Map<ModelVariant, HandPipeline>> pipelines = new EnumMap<>(EngineKind.class);

    @BeforeAll
    void loadModels() {
        for (EngineKind engine : EngineKind.values()) {
            Map<ModelVariant, HandPipeline> byModel = new EnumMap<>(ModelVariant.class);
            for (ModelVariant model : ModelVariant.values()) {
                byModel.put(
                        model,
                        new HandPipeline(
                                PipelineOptions.defaults().withModel(model),
                                new EngineOptions(engine, ComputeTarget.CPU, 1)));
            }
            pipelines.put(engine, byModel);
        }
    }

    @AfterAll
    void closeModels() {
        pipelines.values().forEach(m -> m.values().forEach(HandPipeline::close));
    }

    static Stream<Arguments> photosModelsAndEngines() {
        List<Arguments> cases = new ArrayList<>();
        for (EngineKind e : EngineKind.values()) {
            for (Photo p : TestPhotos.all()) {
                for (ModelVariant m : ModelVariant.values()) {
                    cases.add(Arguments.of(p, m, e));
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> modelsAndEngines() {
        List<Arguments> cases = new ArrayList<>();
        for (EngineKind e : EngineKind.values()) {
            for (ModelVariant m : ModelVariant.values()) {
                cases.add(Arguments.of(m, e));
            }
        }
        return cases.stream();
    }

    private FrameResult analyze(Photo photo, ModelVariant model, EngineKind engine) {
        return pipelines
                .get(engine)
                .get(model)
                .process(List.of(new FrameRequest(photo.bytes(), TrackingState.NONE)))
                .get(0);
    }

    /** A reference hand and the pipeline's hand nearest to it. */
    private record Match(String photo, double distance, double worldDistance, String handedness, Hand hand) {}

    private List<Match> matches(Photo photo, ModelVariant model, FrameResult result) {
        List<Match> out = new ArrayList<>();
        List<float[]> reference = photo.referenceHands(model);
        List<float[]> referenceWorld = photo.referenceWorldHands(model);
        for (int r = 0; r < reference.size(); r++) {
            Hand nearest = null;
            double best = Double.MAX_VALUE;
            for (Hand h : result.hands()) {
                double d = meanDistance(reference.get(r), h.landmarks());
                if (d < best) {
                    best = d;
                    nearest = h;
                }
            }
            if (nearest != null) {
                out.add(new Match(
                        photo.file(),
                        best,
                        meanDistance3d(referenceWorld.get(r), nearest.worldLandmarks()),
                        photo.referenceHandedness(model, r),
                        nearest));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} ({1}, {2})")
    @MethodSource("photosModelsAndEngines")
    @DisplayName("finds the hands MediaPipe finds, each within 0.02, with MediaPipe's handedness")
    void matchesReference(Photo photo, ModelVariant model, EngineKind engine) {
        FrameResult result = analyze(photo, model, engine);
        assertTrue(!result.failed(), () -> "decode failed: " + result.error());
        assertEquals(photo.width(), result.width(), "displayed width");
        assertEquals(photo.height(), result.height(), "displayed height");
        assertEquals(photo.referenceHands(model).size(), result.hands().size(), "number of hands");
        for (Match m : matches(photo, model, result)) {
            assertTrue(
                    m.distance() <= MAX_HAND_DISTANCE,
                    () -> String.format(Locale.ROOT, "hand %s: mean landmark distance %.4f", m.photo(), m.distance()));
            assertEquals(m.handedness(), m.hand().handedness().label(), "handedness");
        }
    }

    @ParameterizedTest(name = "{0} model, {1}")
    @MethodSource("modelsAndEngines")
    @DisplayName("over every photo, landmarks are within a mean 0.003 of MediaPipe's and world landmarks within 5 mm")
    void meanDistanceOverEveryPhoto(ModelVariant model, EngineKind engine) {
        List<Match> all = new ArrayList<>();
        for (Photo photo : TestPhotos.all()) {
            all.addAll(matches(photo, model, analyze(photo, model, engine)));
        }
        double[] distances = all.stream().mapToDouble(Match::distance).sorted().toArray();
        double[] world = all.stream().mapToDouble(Match::worldDistance).sorted().toArray();
        double mean = Stream.of(all.toArray(new Match[0]))
                .mapToDouble(Match::distance)
                .average()
                .orElseThrow();
        double meanWorld = Stream.of(all.toArray(new Match[0]))
                .mapToDouble(Match::worldDistance)
                .average()
                .orElseThrow();
        String summary = String.format(
                Locale.ROOT,
                "%s %s, %d hands: landmarks mean %.4f, median %.4f, worst %.4f; "
                        + "world mean %.1f mm, median %.1f mm, worst %.1f mm",
                engine.id(),
                model.id(),
                all.size(),
                mean,
                distances[distances.length / 2],
                distances[distances.length - 1],
                1000 * meanWorld,
                1000 * world[world.length / 2],
                1000 * world[world.length - 1]);
        System.out.println(summary);
        assertTrue(mean <= MAX_MEAN_DISTANCE, summary);
        assertTrue(meanWorld <= MAX_MEAN_WORLD_DISTANCE, summary);
    }

    @ParameterizedTest(name = "{0} model")
    @MethodSource("models")
    @DisplayName("the two engines give the same landmarks on the same photos (mean difference within 0.002)")
    void enginesAgree(ModelVariant model) {
        double sum = 0;
        int hands = 0;
        for (Photo photo : TestPhotos.all()) {
            FrameResult a = analyze(photo, model, EngineKind.TFLITE);
            FrameResult b = analyze(photo, model, EngineKind.OPENCV);
            assertEquals(a.hands().size(), b.hands().size(), photo.file() + ": hands");
            for (int h = 0; h < a.hands().size(); h++) {
                double d = meanDistance(
                        a.hands().get(h).landmarks(), b.hands().get(h).landmarks());
                sum += d;
                hands++;
                assertEquals(
                        a.hands().get(h).presence(), b.hands().get(h).presence(), 0.02, photo.file() + ": presence");
                assertEquals(
                        a.hands().get(h).handednessScore(),
                        b.hands().get(h).handednessScore(),
                        0.02,
                        photo.file() + ": handedness score");
            }
        }
        double mean = sum / hands;
        System.out.printf(
                Locale.ROOT, "engines, %s, %d hands: mean landmark difference %.5f%n", model.id(), hands, mean);
        assertTrue(mean <= MAX_ENGINE_DIFFERENCE, String.format(Locale.ROOT, "mean difference %.5f", mean));
    }

    static Stream<ModelVariant> models() {
        return Stream.of(ModelVariant.values());
    }

    @ParameterizedTest(name = "{0} ({1}, {2})")
    @MethodSource("photosModelsAndEngines")
    @DisplayName("names the labelled gesture, and finds no hand where there is none")
    void namesTheGesture(Photo photo, ModelVariant model, EngineKind engine) {
        FrameResult result = analyze(photo, model, engine);
        if (photo.label().equals("no_hand")) {
            assertEquals(0, result.hands().size(), "hands on a photo without any");
            return;
        }
        Gesture expected = TestPhotos.gestureOf(photo.label());
        List<String> seen = result.hands().stream()
                .map(h -> h.gesture().label() + " " + h.gestureScore())
                .toList();
        assertTrue(
                result.hands().stream().anyMatch(h -> h.gesture() == expected),
                () -> "expected " + expected.label() + ", got " + seen);
    }

    static double meanDistance3d(float[] a, float[] b) {
        double sum = 0;
        for (int j = 0; j < 21; j++) {
            double dx = a[3 * j] - b[3 * j];
            double dy = a[3 * j + 1] - b[3 * j + 1];
            double dz = a[3 * j + 2] - b[3 * j + 2];
            sum += Math.sqrt(dx * dx + dy * dy + dz * dz);
        }
        return sum / 21;
    }

    static double meanDistance(float[] a, float[] b) {
        double sum = 0;
        for (int j = 0; j < 21; j++) {
            sum += Math.hypot(a[3 * j] - b[3 * j], a[3 * j + 1] - b[3 * j + 1]);
        }
        return sum / 21;
    }
}

package io.palmreader.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.vision.HandPipeline.FrameRequest;
import io.palmreader.vision.TestPhotos.Photo;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The pipeline on real photos agrees with MediaPipe's own output")
class ReferencePhotosTest {

  /** Mean landmark distance to MediaPipe's, normalized to the image, that counts as the same result. */
  private static final double MAX_MEAN_DISTANCE = 0.02;

  /** Mean world-landmark distance to MediaPipe's, in metres: a centimetre, where a hand spans about 20. */
  private static final double MAX_MEAN_WORLD_DISTANCE = 0.01;

  private HandPipeline full;
  private HandPipeline lite;

  @BeforeAll
  void loadModels() {
    full = new HandPipeline(PipelineOptions.defaults());
    lite = new HandPipeline(PipelineOptions.defaults().withModel(ModelVariant.LITE));
  }

  @AfterAll
  void closeModels() {
    full.close();
    lite.close();
  }

  static Stream<Arguments> photosAndModels() {
    List<Arguments> cases = new ArrayList<>();
    for (Photo p : TestPhotos.all()) {
      for (ModelVariant m : ModelVariant.values()) {
        cases.add(Arguments.of(p, m));
      }
    }
    return cases.stream();
  }

  private FrameResult analyze(Photo photo, ModelVariant model) {
    HandPipeline pipeline = model == ModelVariant.FULL ? full : lite;
    return pipeline.process(List.of(new FrameRequest(photo.bytes(), TrackingState.NONE))).get(0);
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("photosAndModels")
  @DisplayName("finds the hands MediaPipe finds, landmarks within 0.02 and world landmarks within 1 cm on average, same handedness")
  void matchesReference(Photo photo, ModelVariant model) {
    FrameResult result = analyze(photo, model);
    assertTrue(!result.failed(), () -> "decode failed: " + result.error());
    assertEquals(photo.width(), result.width(), "displayed width");
    assertEquals(photo.height(), result.height(), "displayed height");
    List<float[]> reference = photo.referenceHands(model);
    List<float[]> referenceWorld = photo.referenceWorldHands(model);
    assertEquals(reference.size(), result.hands().size(), "number of hands");
    for (int r = 0; r < reference.size(); r++) {
      float[] ref = reference.get(r);
      Hand nearest = null;
      double best = Double.MAX_VALUE;
      for (Hand h : result.hands()) {
        double d = meanDistance(ref, h.landmarks());
        if (d < best) {
          best = d;
          nearest = h;
        }
      }
      double mean = best;
      assertTrue(mean <= MAX_MEAN_DISTANCE, () -> String.format("hand %s: mean landmark distance %.4f", photo.file(), mean));
      assertEquals(photo.referenceHandedness(model, r), nearest.handedness(), "handedness");
      double world = meanDistance3d(referenceWorld.get(r), nearest.worldLandmarks());
      assertTrue(world <= MAX_MEAN_WORLD_DISTANCE,
          () -> String.format("hand %s: mean world landmark distance %.4f m", photo.file(), world));
    }
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("photosAndModels")
  @DisplayName("names the labelled gesture, and finds no hand where there is none")
  void namesTheGesture(Photo photo, ModelVariant model) {
    FrameResult result = analyze(photo, model);
    if (photo.label().equals("no_hand")) {
      assertEquals(0, result.hands().size(), "hands on a photo without any");
      return;
    }
    Gesture expected = TestPhotos.gestureOf(photo.label());
    List<String> seen = result.hands().stream().map(h -> h.gesture().label() + " " + h.gestureScore()).toList();
    assertTrue(result.hands().stream().anyMatch(h -> h.gesture() == expected),
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

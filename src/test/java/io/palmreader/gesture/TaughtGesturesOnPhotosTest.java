package io.palmreader.gesture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.vision.Gesture;
import io.palmreader.vision.GestureClassifier;
import io.palmreader.vision.Hand;
import io.palmreader.vision.Handedness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The rejection threshold against real hands: MediaPipe's own world landmarks for the test photos (both model
 * sizes), each hand taught in turn.
 */
@DisplayName("Taught gestures on real landmark sets: teaching one pose relabels no photo of another")
class TaughtGesturesOnPhotosTest {

    private static final Map<String, Gesture> LABELS = Map.of(
            "thumbs_up",
            Gesture.THUMB_UP,
            "thumbs_down",
            Gesture.THUMB_DOWN,
            "pointing_up",
            Gesture.POINTING_UP,
            "victory",
            Gesture.VICTORY,
            "open_palm",
            Gesture.OPEN_PALM,
            "closed_fist",
            Gesture.CLOSED_FIST);

    /** One real hand: its photo, its folder's gesture, and the hand as the pipeline would report it. */
    record PhotoHand(String photo, Gesture label, Hand hand) {}

    /** Every hand MediaPipe found in a labelled photo that makes that photo's gesture (some photos show a second hand). */
    static List<PhotoHand> photoHands() throws IOException {
        JsonObject images;
        try (InputStream in =
                TaughtGesturesOnPhotosTest.class.getClassLoader().getResourceAsStream("hands/reference.json")) {
            images = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonObject("images");
        }
        GestureClassifier classifier = new GestureClassifier();
        List<PhotoHand> hands = new ArrayList<>();
        for (String file : images.fieldNames()) {
            Gesture label = LABELS.get(file.substring(0, file.indexOf('/')));
            JsonObject image = images.getJsonObject(file);
            for (String complexity : List.of("complexity0", "complexity1")) {
                JsonArray found = image.getJsonObject(complexity).getJsonArray("hands");
                for (int i = 0; label != null && i < found.size(); i++) {
                    JsonObject h = found.getJsonObject(i);
                    float[] world = points(h.getJsonArray("worldLandmarks"), 1, 1);
                    float[] pixels =
                            points(h.getJsonArray("landmarks"), image.getInteger("width"), image.getInteger("height"));
                    if (classifier.classify(pixels).gesture() == label) {
                        hands.add(new PhotoHand(
                                file + " " + complexity,
                                label,
                                new Hand(
                                        pixels,
                                        world,
                                        1f,
                                        Handedness.of(
                                                h.getJsonObject("handedness").getString("label")),
                                        1f,
                                        label,
                                        1f,
                                        null)));
                    }
                }
            }
        }
        return hands;
    }

    private static float[] points(JsonArray landmarks, int width, int height) {
        float[] p = new float[63];
        for (int j = 0; j < 21; j++) {
            JsonObject l = landmarks.getJsonObject(j);
            p[3 * j] = l.getFloat("x") * width;
            p[3 * j + 1] = l.getFloat("y") * height;
            p[3 * j + 2] = l.getFloat("z") * width;
        }
        return p;
    }

    @Test
    @DisplayName(
            "each photo's hand taught in turn: it reads the taught name, every photo of another gesture keeps its own")
    void teachingOnePoseLeavesTheOthers() throws Exception {
        List<PhotoHand> hands = photoHands();
        assertTrue(hands.size() >= 20, "hands read: " + hands.size());
        double closest = Double.MAX_VALUE;
        for (PhotoHand teacher : hands) {
            GestureRecording r = new GestureRecording("Mine", 5, 0);
            for (int i = 0; i < 5; i++) {
                r.offer(List.of(teacher.hand()));
            }
            TaughtGestures taught = TaughtGestures.NONE.with(r.finish(1));
            assertEquals("Mine", taught.label(List.of(teacher.hand())).get(0).name(), teacher.photo());
            for (PhotoHand other : hands) {
                if (other.label() != teacher.label()) {
                    HandGesture shown = taught.label(List.of(other.hand())).get(0);
                    assertEquals(
                            other.label().label(), shown.name(), other.photo() + " after teaching " + teacher.photo());
                    float[] a = HandShape.features(HandShape.canonical(
                            teacher.hand().worldLandmarks(), teacher.hand().handedness() == Handedness.LEFT));
                    float[] b = HandShape.features(HandShape.canonical(
                            other.hand().worldLandmarks(), other.hand().handedness() == Handedness.LEFT));
                    closest = Math.min(closest, HandShape.distance(a, b));
                }
            }
        }
        // The margin the radius leaves: the closest two hands of different gestures, against the radius.
        assertTrue(
                closest > TaughtGestures.BASE_RADIUS * TaughtGestures.CANNED_CLEARANCE,
                "closest pair of different gestures: " + closest);
    }

    @Test
    @DisplayName("every photo's hand, taught, matches itself with a score near 1")
    void ownHandMatches() throws Exception {
        for (PhotoHand h : photoHands()) {
            GestureRecording r = new GestureRecording("Mine", 5, 0);
            for (int i = 0; i < 5; i++) {
                r.offer(List.of(h.hand()));
            }
            TaughtGestures.Match m = TaughtGestures.NONE.with(r.finish(1)).match(h.hand());
            assertNotNull(m, h.photo());
            assertTrue(m.score() > 0.99, h.photo() + " " + m.score());
        }
    }
}

package io.palmreader.vision;

import static io.palmreader.vision.SyntheticHand.Finger.CURLED;
import static io.palmreader.vision.SyntheticHand.Finger.STRAIGHT;
import static io.palmreader.vision.SyntheticHand.build;
import static io.palmreader.vision.SyntheticHand.fingers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.vision.SyntheticHand.Finger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The gesture classifier names every gesture from constructed landmarks")
class GestureClassifierTest {

    private final GestureClassifier classifier = new GestureClassifier();

    /** Thumb out to the index side, away from the palm. */
    private static final double[] THUMB_OUT = {95, -70};
    /** Thumb folded across the curled fingers, in front of them. */
    private static final double[] THUMB_ACROSS = {-5, -75, -45};
    /** Thumb straight along the hand's side, beyond the curled fingers: up when the hand is turned sideways. */
    private static final double[] THUMB_ALONG_SIDE = {140, -40};

    private Gesture classify(float[] hand) {
        GestureClassifier.Classification c = classifier.classify(hand);
        assertTrue(c.score() >= 0 && c.score() <= 1, "score within 0..1: " + c.score());
        return c.gesture();
    }

    @Test
    @DisplayName("four straight fingers and the thumb out: Open_Palm")
    void openPalm() {
        assertEquals(Gesture.OPEN_PALM, classify(build(fingers(STRAIGHT, STRAIGHT, STRAIGHT, STRAIGHT), THUMB_OUT, 0)));
    }

    @Test
    @DisplayName("every finger curled and the thumb across them: Closed_Fist")
    void closedFist() {
        assertEquals(Gesture.CLOSED_FIST, classify(build(fingers(CURLED, CURLED, CURLED, CURLED), THUMB_ACROSS, 0)));
    }

    @Test
    @DisplayName("the index straight up, the others curled: Pointing_Up")
    void pointingUp() {
        assertEquals(Gesture.POINTING_UP, classify(build(fingers(STRAIGHT, CURLED, CURLED, CURLED), THUMB_ACROSS, 0)));
    }

    @Test
    @DisplayName("the same index pointing sideways is not Pointing_Up")
    void pointingSidewaysIsNotPointingUp() {
        assertNotEquals(
                Gesture.POINTING_UP, classify(build(fingers(STRAIGHT, CURLED, CURLED, CURLED), THUMB_ACROSS, 90)));
    }

    @Test
    @DisplayName("index and middle straight, ring and pinky curled: Victory")
    void victory() {
        assertEquals(Gesture.VICTORY, classify(build(fingers(STRAIGHT, STRAIGHT, CURLED, CURLED), THUMB_ACROSS, 0)));
    }

    @Test
    @DisplayName("thumb, index and pinky out, middle and ring curled: ILoveYou")
    void iLoveYou() {
        assertEquals(Gesture.I_LOVE_YOU, classify(build(fingers(STRAIGHT, CURLED, CURLED, STRAIGHT), THUMB_OUT, 0)));
    }

    @Test
    @DisplayName("a sideways fist with the thumb pointing up: Thumb_Up")
    void thumbUp() {
        assertEquals(Gesture.THUMB_UP, classify(build(fingers(CURLED, CURLED, CURLED, CURLED), THUMB_ALONG_SIDE, -90)));
    }

    @Test
    @DisplayName("a sideways fist with the thumb pointing down: Thumb_Down")
    void thumbDown() {
        assertEquals(
                Gesture.THUMB_DOWN, classify(build(fingers(CURLED, CURLED, CURLED, CURLED), THUMB_ALONG_SIDE, 90)));
    }

    @Test
    @DisplayName("thumb and index tips touching, the other three straight: OK")
    void ok() {
        Finger[] f = fingers(new Finger(35, 55, 30), STRAIGHT, STRAIGHT, STRAIGHT);
        assertEquals(Gesture.OK, classify(build(f, SyntheticHand.indexTip(f), 0)));
    }

    @Test
    @DisplayName("thumb and index tips touching, the other three curled: Pinch")
    void pinch() {
        Finger[] f = fingers(new Finger(35, 55, 30), CURLED, CURLED, CURLED);
        assertEquals(Gesture.PINCH, classify(build(f, SyntheticHand.indexTip(f), 0)));
    }

    @Test
    @DisplayName("half-bent fingers in no particular pose: None")
    void none() {
        Finger half = new Finger(45, 50, 20);
        GestureClassifier.Classification c = classifier.classify(build(fingers(half, half, half, half), THUMB_OUT, 0));
        assertEquals(Gesture.NONE, c.gesture());
    }

    @ParameterizedTest(name = "rotated {0} degrees")
    @ValueSource(ints = {-60, -30, 30, 60, 180})
    @DisplayName("Open_Palm, Victory and Closed_Fist do not depend on the hand's rotation in the image")
    void rotationFreeGestures(int degrees) {
        assertEquals(
                Gesture.OPEN_PALM,
                classify(build(fingers(STRAIGHT, STRAIGHT, STRAIGHT, STRAIGHT), THUMB_OUT, degrees)));
        assertEquals(
                Gesture.VICTORY, classify(build(fingers(STRAIGHT, STRAIGHT, CURLED, CURLED), THUMB_ACROSS, degrees)));
        assertEquals(
                Gesture.CLOSED_FIST, classify(build(fingers(CURLED, CURLED, CURLED, CURLED), THUMB_ACROSS, degrees)));
    }

    @Test
    @DisplayName("scale does not matter: the same hand at a tenth of the size gives the same gesture")
    void scaleFree() {
        float[] hand = build(fingers(STRAIGHT, CURLED, CURLED, STRAIGHT), THUMB_OUT, 0);
        for (int i = 0; i < hand.length; i++) {
            hand[i] *= 0.1f;
        }
        assertEquals(Gesture.I_LOVE_YOU, classify(hand));
    }

    @Test
    @DisplayName("degenerate input is None, and too few landmarks is refused")
    void degenerate() {
        assertEquals(Gesture.NONE, classify(new float[63]));
        assertThrows(IllegalArgumentException.class, () -> classifier.classify(new float[20]));
    }
}

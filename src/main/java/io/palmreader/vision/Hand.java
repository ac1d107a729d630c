package io.palmreader.vision;

/**
 * One hand found in a frame.
 *
 * @param landmarks       21 × (x, y, z): x, y normalized to the frame as displayed (0..1), z relative depth
 *                        on the scale of x (smaller = nearer the camera), MediaPipe's convention
 * @param worldLandmarks  21 × (x, y, z) in metres around the hand's centre, rotated like the image
 * @param presence        the landmark model's hand-presence probability
 * @param handedness      left or right, as MediaPipe labels it (assuming a mirrored selfie image)
 * @param handednessScore confidence of that label
 * @param gesture         the classified gesture
 * @param gestureScore    its confidence 0..1
 * @param region          the rotated region the landmarks were found in, in frame pixels
 */
public record Hand(
        float[] landmarks,
        float[] worldLandmarks,
        float presence,
        Handedness handedness,
        float handednessScore,
        Gesture gesture,
        float gestureScore,
        HandRegion region) {

    public static final int LANDMARKS = 21;

    /**
     * The hand the landmark model found in {@code region} of a frame of {@code width} × {@code height} pixels, with
     * its landmarks normalized to the frame.
     */
    static Hand of(
            LandmarkModel.Output out,
            HandRegion region,
            int width,
            int height,
            GestureClassifier.Classification gesture) {
        float[] normalized = java.util.Arrays.copyOf(out.pixels(), out.pixels().length);
        for (int j = 0; j < LANDMARKS; j++) {
            normalized[3 * j] /= width;
            normalized[3 * j + 1] /= height;
            normalized[3 * j + 2] /= width;
        }
        boolean left = out.leftScore() > 0.5f;
        return new Hand(
                normalized,
                out.world(),
                out.presence(),
                left ? Handedness.LEFT : Handedness.RIGHT,
                left ? out.leftScore() : 1 - out.leftScore(),
                gesture.gesture(),
                gesture.score(),
                region);
    }

    public float x(int i) {
        return landmarks[3 * i];
    }

    public float y(int i) {
        return landmarks[3 * i + 1];
    }

    public float z(int i) {
        return landmarks[3 * i + 2];
    }
}

package io.palmreader.vision;

/**
 * Names a hand's gesture from its 21 landmarks: MediaPipe's canned set (Closed_Fist, Open_Palm, Pointing_Up,
 * Thumb_Down, Thumb_Up, Victory, ILoveYou, or None) plus OK and Pinch.
 *
 * <p>The hand's pose is reduced to a few scale- and rotation-free memberships in [0, 1]: how extended each
 * finger is (joint bend angles in 3D and tip-vs-knuckle distance from the wrist), whether the thumb stands
 * out from the palm, whether thumb and index tips touch, and which way the thumb and index point in the image
 * (thumbs up/down and pointing up are defined against the image's vertical, as MediaPipe's labels are). Each
 * gesture's score is the weakest of the memberships it needs; the best score wins if it reaches 0.5, else
 * None. Pure and thread-safe.
 */
public final class GestureClassifier {

    /** A gesture and its confidence. */
    public record Classification(Gesture gesture, float score) {}

    /** Below this best score the hand is making no known gesture. */
    public static final float MIN_SCORE = 0.5f;

    private static final int WRIST = 0;
    private static final int[][] FINGERS = {{5, 6, 7, 8}, {9, 10, 11, 12}, {13, 14, 15, 16}, {17, 18, 19, 20}};
    private static final int INDEX = 0;
    private static final int MIDDLE = 1;
    private static final int RING = 2;
    private static final int PINKY = 3;

    /**
     * Classifies one hand.
     *
     * @param points 21 × (x, y, z) in one isotropic unit with y pointing down the image (frame pixels with z
     *               scaled like x, or world landmarks)
     */
    public Classification classify(float[] points) {
        if (points.length < 63) {
            throw new IllegalArgumentException("need 21 landmarks (63 floats), got " + points.length);
        }
        double palm = distance(points, WRIST, 9);
        if (!(palm > 1e-6)) {
            return new Classification(Gesture.NONE, 1f);
        }
        double[] extended = new double[4];
        for (int f = 0; f < 4; f++) {
            extended[f] = fingerExtension(points, FINGERS[f]);
        }
        double eI = extended[INDEX];
        double eM = extended[MIDDLE];
        double eR = extended[RING];
        double eP = extended[PINKY];
        double cI = 1 - eI;
        double cM = 1 - eM;
        double cR = 1 - eR;
        double cP = 1 - eP;
        double thumbOut = thumbExtension(points);
        double thumbUp = thumbBeyondFist(points, palm, -1);
        double thumbDown = thumbBeyondFist(points, palm, 1);
        double touching = ramp(distance(points, 4, 8) / palm, 0.4, 0.25);
        double indexUp = ramp(upwardness(points, 5, 8), 0.5, 0.8);
        // In a fist the curled index tip lies by its own knuckle, often under the thumb: no pinch. A pinching index
        // reaches out to meet the thumb.
        double indexReach = ramp(distance(points, 8, 5) / palm, 0.4, 0.55);
        double othersOpen = min(eM, eR, eP);
        double fist = min(cI, cM, cR, cP);

        Gesture best = Gesture.NONE;
        double bestScore = 0;
        double[] scores = new double[Gesture.values().length];
        scores[Gesture.CLOSED_FIST.ordinal()] = Math.min(fist, 1 - Math.max(thumbUp, thumbDown));
        scores[Gesture.THUMB_UP.ordinal()] = Math.min(fist, thumbUp);
        scores[Gesture.THUMB_DOWN.ordinal()] = Math.min(fist, thumbDown);
        scores[Gesture.OPEN_PALM.ordinal()] = min(eI, eM, eR, eP);
        scores[Gesture.POINTING_UP.ordinal()] = min(eI, cM, cR, cP, indexUp);
        scores[Gesture.VICTORY.ordinal()] = min(eI, eM, cR, cP);
        scores[Gesture.I_LOVE_YOU.ordinal()] = min(thumbOut, eI, cM, cR, eP);
        scores[Gesture.OK.ordinal()] = Math.min(touching, othersOpen);
        scores[Gesture.PINCH.ordinal()] = min(touching, indexReach, 1 - othersOpen);
        for (Gesture g : Gesture.values()) {
            if (scores[g.ordinal()] > bestScore) {
                bestScore = scores[g.ordinal()];
                best = g;
            }
        }
        if (bestScore < MIN_SCORE) {
            return new Classification(Gesture.NONE, (float) (1 - bestScore));
        }
        return new Classification(best, (float) bestScore);
    }

    /**
     * 1 for a straight finger, 0 for a curled one: the summed bend at its three joints (MCP measured against the
     * wrist → MCP line) and how far its tip reaches from the wrist compared with its middle joint.
     */
    static double fingerExtension(float[] p, int[] joints) {
        int mcp = joints[0];
        int pip = joints[1];
        int dip = joints[2];
        int tip = joints[3];
        double bend = angle(p, WRIST, mcp, mcp, pip) + angle(p, mcp, pip, pip, dip) + angle(p, pip, dip, dip, tip);
        double byAngle = ramp(bend, 140, 70);
        double byReach = ramp(distance(p, tip, WRIST) / distance(p, pip, WRIST), 0.95, 1.1);
        return (byAngle + byReach) / 2;
    }

    /** 1 when the thumb is straight and stands out beyond the index knuckle, away from the pinky side. */
    static double thumbExtension(float[] p) {
        double bend = angle(p, 1, 2, 2, 3) + angle(p, 2, 3, 3, 4);
        double straight = ramp(bend, 90, 50);
        double palmWidth = distance(p, 5, 17);
        if (!(palmWidth > 1e-6)) {
            return 0;
        }
        // Thumb tip's offset from the index knuckle along the pinky → index direction, in palm widths.
        double side = 0;
        for (int i = 0; i < 3; i++) {
            side += (p[3 * 4 + i] - p[3 * 5 + i]) * (p[3 * 5 + i] - p[3 * 17 + i]);
        }
        side /= palmWidth * palmWidth;
        return Math.min(straight, ramp(side, 0.3, 0.6));
    }

    /**
     * 1 when the thumb tip sticks out past every finger landmark in the image's up ({@code direction} = -1) or
     * down (+1) direction, by at least a third of the palm's length.
     */
    static double thumbBeyondFist(float[] p, double palm, int direction) {
        double extreme = -Double.MAX_VALUE;
        for (int i = 5; i <= 20; i++) {
            extreme = Math.max(extreme, direction * p[3 * i + 1]);
        }
        double beyond = (direction * p[3 * 4 + 1] - extreme) / palm;
        return ramp(beyond, 0.1, 0.35);
    }

    /** Cosine between the {@code from → to} direction in the image plane and straight up. */
    static double upwardness(float[] p, int from, int to) {
        double dx = p[3 * to] - p[3 * from];
        double dy = p[3 * to + 1] - p[3 * from + 1];
        double len = Math.hypot(dx, dy);
        return len < 1e-9 ? 0 : -dy / len;
    }

    /** Degrees between vectors a0 → a1 and b0 → b1 in 3D. */
    static double angle(float[] p, int a0, int a1, int b0, int b1) {
        return Math.toDegrees(Landmarks.angle(p, a0, a1, b0, b1));
    }

    static double distance(float[] p, int a, int b) {
        double dx = p[3 * a] - p[3 * b];
        double dy = p[3 * a + 1] - p[3 * b + 1];
        double dz = p[3 * a + 2] - p[3 * b + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** Linear membership: 0 at {@code zeroAt}, 1 at {@code oneAt}, clamped; works in either direction. */
    static double ramp(double value, double zeroAt, double oneAt) {
        double t = (value - zeroAt) / (oneAt - zeroAt);
        return Math.max(0, Math.min(1, t));
    }

    private static double min(double... values) {
        double m = Double.MAX_VALUE;
        for (double v : values) {
            m = Math.min(m, v);
        }
        return m;
    }
}

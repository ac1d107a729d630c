package io.palmreader.gesture;

import static io.palmreader.vision.Landmarks.angle;

/**
 * A hand's shape, with where the hand is, how big it is, how it is turned and which hand it is taken out: what a
 * taught gesture is compared on. Pure.
 *
 * <p>The landmarks are mirrored into a right hand's, moved so that the wrist is the origin, turned into the hand's
 * own frame (up: wrist to middle knuckle; across: pinky knuckle to index knuckle; out: their cross product) and
 * divided by the palm's size (the wrist's mean distance to the four knuckles). Each finger is then described by its
 * four points and its three joint bends, which its points alone understate for short bones like the fingertips'.
 * Two shapes are as far apart as their most different finger: one finger tucked or stretched out makes another
 * pose, however alike the other four are.
 */
public final class HandShape {

    /** Landmarks per hand. */
    public static final int POINTS = 21;

    /** Per finger: four points (x, y, z) and three joint bends. */
    static final int PER_FINGER = 15;

    static final int FEATURES = 5 * PER_FINGER;

    /**
     * What a radian of joint bend weighs against a palm size of landmark travel. A finger curling from straight to a
     * fist moves its tip by about one palm size and bends its joints by about 4 radians in all.
     */
    static final double BEND_WEIGHT = 0.25;

    /** Wrist, then each finger's four points from its base: thumb, index, middle, ring, pinky. */
    private static final int[][] FINGERS = {
        {0, 1, 2, 3, 4}, {0, 5, 6, 7, 8}, {0, 9, 10, 11, 12}, {0, 13, 14, 15, 16}, {0, 17, 18, 19, 20}
    };

    private HandShape() {}

    /**
     * The hand's landmarks in its own frame, in palm sizes, as a right hand: 21 × (x, y, z) with the wrist at the
     * origin. Applying it again to its result changes nothing.
     *
     * @param landmarks 21 × (x, y, z) in one isotropic unit (world landmarks in metres, or pixels with z scaled alike)
     * @param left      whether it is a left hand (mirrored to a right one)
     * @throws IllegalArgumentException when there are not 21 finite points, or they span no palm
     */
    public static float[] canonical(float[] landmarks, boolean left) {
        if (landmarks == null || landmarks.length != 3 * POINTS) {
            throw new IllegalArgumentException(
                    "a hand has 21 points (63 numbers), got " + (landmarks == null ? "none" : landmarks.length));
        }
        double[] p = new double[3 * POINTS];
        double mirror = left ? -1 : 1;
        for (int i = 0; i < POINTS; i++) {
            for (int c = 0; c < 3; c++) {
                float v = landmarks[3 * i + c];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("point " + i + " is not a finite number");
                }
                p[3 * i + c] = (v - landmarks[c]) * (c == 0 ? mirror : 1);
            }
        }
        double size = (norm(p, 5) + norm(p, 9) + norm(p, 13) + norm(p, 17)) / 4;
        double[] up = unit(p[27], p[28], p[29]);
        double[] across = null;
        if (up != null) {
            double[] side = {p[15] - p[51], p[16] - p[52], p[17] - p[53]};
            double along = dot(side, up);
            across = unit(side[0] - along * up[0], side[1] - along * up[1], side[2] - along * up[2]);
        }
        if (!(size > 1e-9) || across == null) {
            throw new IllegalArgumentException("the points span no palm");
        }
        double[] out = cross(across, up);
        float[] shape = new float[3 * POINTS];
        for (int i = 0; i < POINTS; i++) {
            double[] v = {p[3 * i], p[3 * i + 1], p[3 * i + 2]};
            shape[3 * i] = (float) (dot(v, across) / size);
            shape[3 * i + 1] = (float) (dot(v, up) / size);
            shape[3 * i + 2] = (float) (dot(v, out) / size);
        }
        return shape;
    }

    /** What shapes are compared on, from {@link #canonical} landmarks: per finger its points, then its weighted bends. */
    static float[] features(float[] canonical) {
        float[] f = new float[FEATURES];
        int k = 0;
        for (int[] finger : FINGERS) {
            for (int j = 1; j <= 4; j++) {
                System.arraycopy(canonical, 3 * finger[j], f, k, 3);
                k += 3;
            }
            for (int j = 1; j <= 3; j++) {
                f[k++] = (float) (BEND_WEIGHT * angle(canonical, finger[j - 1], finger[j], finger[j], finger[j + 1]));
            }
        }
        return f;
    }

    /**
     * How far apart two shapes' {@link #features} are: the root mean square difference of their most different
     * finger. About 0.03 (median) for one pose held in front of a camera, 0.09 and up between the canned poses.
     */
    static double distance(float[] a, float[] b) {
        double worst = 0;
        for (int finger = 0; finger < 5; finger++) {
            double sum = 0;
            for (int i = finger * PER_FINGER, end = i + PER_FINGER; i < end; i++) {
                double d = a[i] - b[i];
                sum += d * d;
            }
            worst = Math.max(worst, sum);
        }
        return Math.sqrt(worst / PER_FINGER);
    }

    private static double norm(double[] p, int i) {
        return Math.sqrt(p[3 * i] * p[3 * i] + p[3 * i + 1] * p[3 * i + 1] + p[3 * i + 2] * p[3 * i + 2]);
    }

    private static double[] unit(double x, double y, double z) {
        double n = Math.sqrt(x * x + y * y + z * z);
        return n > 1e-9 ? new double[] {x / n, y / n, z / n} : null;
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }
}

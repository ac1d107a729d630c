package io.palmreader.gesture;

import static io.palmreader.vision.Landmarks.angle;

/**
 * A hand's shape, with where the hand is, how big it is, how it is turned and which hand it is taken out: what a
 * taught gesture is compared on. Pure.
 *
 * <p>The landmarks are mirrored into a right hand's, moved so that the wrist is the origin, turned into the hand's
 * own frame (up: wrist to middle knuckle; across: pinky knuckle to index knuckle; out: their cross product) and
 * divided by the palm's size (the wrist's mean distance to the four knuckles). What two shapes are compared on is
 * what a pose is made of rather than where the points lie, so that one pose carries over between people with other
 * proportions: each finger's bends at its three joints, its spread from the palm's line, how far its tip is from
 * the thumb's and from the next finger's; and the thumb's bends, where its tip lies against the palm and how far
 * it is from the index, middle and pinky knuckles. Two shapes are as far apart as their most different finger: one
 * finger tucked or stretched out makes another pose, however alike the other four are.
 */
public final class HandShape {

    /** Landmarks per hand. */
    public static final int POINTS = 21;

    /**
     * Where each finger's features start in {@link #features}: index, middle, ring, pinky, then the thumb; the last
     * entry is their number.
     */
    static final int[] GROUPS = {0, 6, 12, 18, 23, 32};

    static final int FEATURES = GROUPS[GROUPS.length - 1];

    /**
     * The fingertip joint's bend counts half: it follows the middle joint's in nearly every pose, and the landmark
     * model places the short last bone least steadily.
     */
    static final double TIP_BEND_WEIGHT = 0.5;

    /**
     * The thumb's features count double: its nine numbers are one group against each finger's five or six, and the
     * thumb alone tells apart poses such as four fingers up with the thumb folded from the open hand.
     */
    static final double THUMB_WEIGHT = 2;

    /** Each finger's four points from its base knuckle: index, middle, ring, pinky. */
    private static final int[][] FINGERS = {{5, 6, 7, 8}, {9, 10, 11, 12}, {13, 14, 15, 16}, {17, 18, 19, 20}};

    private static final int WRIST = 0;
    private static final int THUMB_TIP = 4;

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

    /**
     * What shapes are compared on, from {@link #canonical} landmarks, in radians and palm sizes. Per finger (index to
     * pinky): its bends at the knuckle, the middle joint and (at {@link #TIP_BEND_WEIGHT}) the last joint; its spread
     * (the sine of the turn from the wrist-to-knuckle line to its first bone, about the palm's normal, which fades
     * as the finger curls out of the palm's plane, where a spread means nothing); its tip's distance to the thumb's
     * tip and (but for the pinky) to the next finger's tip. Then the thumb, at {@link #THUMB_WEIGHT}: its three bends,
     * its tip's place (x, y, z) and its tip's distances to the index, middle and pinky knuckles.
     */
    static float[] features(float[] c) {
        float[] f = new float[FEATURES];
        int k = 0;
        for (int n = 0; n < FINGERS.length; n++) {
            int[] finger = FINGERS[n];
            int knuckle = finger[0];
            int tip = finger[3];
            f[k++] = (float) angle(c, WRIST, knuckle, knuckle, finger[1]);
            f[k++] = (float) angle(c, knuckle, finger[1], finger[1], finger[2]);
            f[k++] = (float) (TIP_BEND_WEIGHT * angle(c, finger[1], finger[2], finger[2], tip));
            f[k++] = (float) spread(c, knuckle, finger[1]);
            f[k++] = (float) between(c, THUMB_TIP, tip);
            if (n < FINGERS.length - 1) {
                f[k++] = (float) between(c, tip, FINGERS[n + 1][3]);
            }
        }
        f[k++] = (float) (THUMB_WEIGHT * angle(c, WRIST, 1, 1, 2));
        f[k++] = (float) (THUMB_WEIGHT * angle(c, 1, 2, 2, 3));
        f[k++] = (float) (THUMB_WEIGHT * angle(c, 2, 3, 3, THUMB_TIP));
        for (int axis = 0; axis < 3; axis++) {
            f[k++] = (float) (THUMB_WEIGHT * c[3 * THUMB_TIP + axis]);
        }
        for (int knuckle : new int[] {5, 9, 17}) {
            f[k++] = (float) (THUMB_WEIGHT * between(c, THUMB_TIP, knuckle));
        }
        return f;
    }

    /**
     * How far apart two shapes' {@link #features} are: the root mean square difference of their most different
     * finger (the thumb counted as one). Measured on webcam photos: one pose held before a camera stays within about
     * 0.12 of its mean in half the frames and 0.2 in nine out of ten; photos of one pose by one person lie 0.2 to 0.4
     * apart, different poses 0.45 and more (a thumb up and a thumb down, the same shape turned over, excepted).
     */
    static double distance(float[] a, float[] b) {
        return distanceWithin(a, b, Double.MAX_VALUE);
    }

    /**
     * {@link #distance}, or any number above {@code limit} as soon as one finger shows that it is beyond it: what the
     * nearest-example search needs, several times faster.
     */
    static double distanceWithin(float[] a, float[] b, double limit) {
        double worst = 0;
        double limitSquared = limit == Double.MAX_VALUE ? Double.MAX_VALUE : limit * limit;
        for (int g = 0; g < GROUPS.length - 1; g++) {
            double sum = 0;
            int from = GROUPS[g];
            int to = GROUPS[g + 1];
            for (int i = from; i < to; i++) {
                double d = a[i] - b[i];
                sum += d * d;
            }
            double meanSquare = sum / (to - from);
            if (meanSquare > worst) {
                worst = meanSquare;
                if (worst > limitSquared) {
                    return Math.sqrt(worst);
                }
            }
        }
        return Math.sqrt(worst);
    }

    private static double spread(float[] c, int knuckle, int next) {
        double ax = c[3 * knuckle];
        double ay = c[3 * knuckle + 1];
        double az = c[3 * knuckle + 2];
        double bx = c[3 * next] - ax;
        double by = c[3 * next + 1] - ay;
        double bz = c[3 * next + 2] - az;
        double na = Math.sqrt(ax * ax + ay * ay + az * az);
        double nb = Math.sqrt(bx * bx + by * by + bz * bz);
        return na < 1e-9 || nb < 1e-9 ? 0 : (ax * by - ay * bx) / (na * nb);
    }

    private static double between(float[] c, int i, int j) {
        double dx = c[3 * i] - c[3 * j];
        double dy = c[3 * i + 1] - c[3 * j + 1];
        double dz = c[3 * i + 2] - c[3 * j + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
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

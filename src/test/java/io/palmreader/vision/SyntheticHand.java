package io.palmreader.vision;

/**
 * Builds 21-landmark hands from joint angles, to test the classifier on every gesture, including those no
 * test photo shows. Units: palm length (wrist to middle MCP) = 100; y points down the image, z towards the
 * viewer is negative (MediaPipe's convention). The hand is built upright, palm facing the viewer, then rotated
 * in the image plane.
 */
public final class SyntheticHand {

    /** Per finger flexion at MCP, PIP and DIP in degrees (0 = straight, curling towards the viewer). */
    public record Finger(double mcp, double pip, double dip) {
        public static final Finger STRAIGHT = new Finger(0, 0, 0);
        public static final Finger CURLED = new Finger(85, 100, 60);
    }

    private static final double[][] MCP = {{38, -92}, {12, -100}, {-12, -95}, {-34, -84}};
    private static final double[][] SEGMENTS = {{42, 26, 22}, {46, 30, 24}, {43, 28, 23}, {34, 22, 20}};
    private static final double[] CMC = {30, -22};

    private final float[] p = new float[63];

    private SyntheticHand() {}

    /**
     * @param fingers   index, middle, ring, pinky
     * @param thumbTip  where the thumb tip goes, relative to the wrist in upright hand units; the thumb's joints
     *                  are laid on a slight arc from its CMC to there
     * @param rotationDegrees rotation of the whole hand in the image plane (positive = clockwise on screen)
     */
    public static float[] build(Finger[] fingers, double[] thumbTip, double rotationDegrees) {
        SyntheticHand h = new SyntheticHand();
        h.set(0, 0, 0, 0);
        for (int f = 0; f < 4; f++) {
            double x = MCP[f][0];
            double y = MCP[f][1];
            double z = 0;
            h.set(5 + 4 * f, x, y, z);
            double[] bends = {fingers[f].mcp(), fingers[f].pip(), fingers[f].dip()};
            double theta = 0;
            for (int j = 0; j < 3; j++) {
                theta += Math.toRadians(bends[j]);
                y -= SEGMENTS[f][j] * Math.cos(theta);
                z -= SEGMENTS[f][j] * Math.sin(theta);
                h.set(6 + 4 * f + j, x, y, z);
            }
        }
        // Thumb: CMC, then MCP, IP and tip along the way to the tip, bowed slightly towards the viewer.
        h.set(1, CMC[0], CMC[1], -5);
        double tz = thumbTip.length > 2 ? thumbTip[2] : -10;
        for (int j = 1; j <= 3; j++) {
            double t = j / 3.0;
            double bow = Math.sin(Math.PI * t) * 4;
            h.set(
                    1 + j,
                    CMC[0] + (thumbTip[0] - CMC[0]) * t,
                    CMC[1] + (thumbTip[1] - CMC[1]) * t,
                    -5 + (tz + 5) * t - bow);
        }
        h.rotate(Math.toRadians(rotationDegrees));
        return h.p;
    }

    public static Finger[] fingers(Finger index, Finger middle, Finger ring, Finger pinky) {
        return new Finger[] {index, middle, ring, pinky};
    }

    /** The index tip of a hand built with these fingers (before rotation), to place a thumb tip against it. */
    public static double[] indexTip(Finger[] fingers) {
        float[] upright = build(fingers, new double[] {60, -60}, 0);
        return new double[] {upright[3 * 8], upright[3 * 8 + 1], upright[3 * 8 + 2]};
    }

    private void set(int i, double x, double y, double z) {
        p[3 * i] = (float) x;
        p[3 * i + 1] = (float) y;
        p[3 * i + 2] = (float) z;
    }

    private void rotate(double a) {
        double c = Math.cos(a);
        double s = Math.sin(a);
        for (int i = 0; i < 21; i++) {
            double x = p[3 * i];
            double y = p[3 * i + 1];
            p[3 * i] = (float) (x * c - y * s);
            p[3 * i + 1] = (float) (x * s + y * c);
        }
    }
}

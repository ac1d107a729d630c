package io.palmreader.vision;

/**
 * Geometry on a hand's landmarks laid out as {@link Hand#landmarks}: point {@code i} at {@code 3i, 3i + 1, 3i + 2}.
 * Shared by the canned gestures here and the taught ones in {@code gesture}, which compare joint bends alike. Pure.
 */
public final class Landmarks {

    private Landmarks() {}

    /** Radians between vectors {@code a0 → a1} and {@code b0 → b1} of 3D points: 0 when they point the same way. */
    public static double angle(float[] p, int a0, int a1, int b0, int b1) {
        double ux = p[3 * a1] - p[3 * a0];
        double uy = p[3 * a1 + 1] - p[3 * a0 + 1];
        double uz = p[3 * a1 + 2] - p[3 * a0 + 2];
        double vx = p[3 * b1] - p[3 * b0];
        double vy = p[3 * b1 + 1] - p[3 * b0 + 1];
        double vz = p[3 * b1 + 2] - p[3 * b0 + 2];
        double nu = Math.sqrt(ux * ux + uy * uy + uz * uz);
        double nv = Math.sqrt(vx * vx + vy * vy + vz * vz);
        if (nu < 1e-9 || nv < 1e-9) {
            return 0;
        }
        double cos = (ux * vx + uy * vy + uz * vz) / (nu * nv);
        return Math.acos(Math.max(-1, Math.min(1, cos)));
    }
}

package io.palmreader.vision;

/**
 * A rotated square-ish region of a frame that holds one hand, in frame pixels: what the landmark model
 * looks at. Built from a palm detection (first sight) or from the previous frame's landmarks (tracking),
 * following MediaPipe's DetectionsToRects, HandLandmarksToRect and RectTransformation calculators.
 *
 * @param centerX  centre x in pixels
 * @param centerY  centre y in pixels
 * @param width    width in pixels, along the rotated x axis
 * @param height   height in pixels, along the rotated y axis
 * @param rotation radians, counter-clockwise as seen with y pointing down (MediaPipe's convention), in [-π, π)
 */
public record HandRegion(float centerX, float centerY, float width, float height, float rotation) {

    /** Enlargement of the palm box so the whole hand fits. */
    public static final float PALM_SCALE = 2.6f;
    /** Shift of the palm box towards the fingers, in box heights. */
    public static final float PALM_SHIFT_Y = -0.5f;
    /** Enlargement of the landmark bounds for the next frame's region. */
    public static final float TRACKING_SCALE = 2.0f;
    /** Shift of the landmark bounds, in box heights. */
    public static final float TRACKING_SHIFT_Y = -0.1f;
    /** Landmarks whose bounds define the tracked region: wrist, thumb base, and the finger MCPs and PIPs. */
    static final int[] TRACKING_SUBSET = {0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18};

    /** Regions overlapping more than this are the same hand. */
    static final float SAME_HAND_OVERLAP = 0.5f;

    private static final double TARGET_ANGLE = Math.PI / 2;

    /**
     * The hand region around a palm detection whose coordinates are frame pixels: rotated so that the wrist →
     * middle-finger-MCP axis points up, shifted towards the fingers and enlarged.
     */
    public static HandRegion fromPalm(PalmDetection palm) {
        float rotation = rotation(
                palm.keypointX(PalmDetection.WRIST),
                palm.keypointY(PalmDetection.WRIST),
                palm.keypointX(PalmDetection.MIDDLE_FINGER_MCP),
                palm.keypointY(PalmDetection.MIDDLE_FINGER_MCP));
        HandRegion box = new HandRegion(
                palm.xMin() + palm.width() / 2, palm.yMin() + palm.height() / 2, palm.width(), palm.height(), rotation);
        return box.transformed(PALM_SCALE, PALM_SHIFT_Y);
    }

    /**
     * The region in which to look for this hand in the next frame, from its landmarks in frame pixels
     * ({@code x, y} pairs or {@code x, y, z} triples, see {@code stride}).
     */
    public static HandRegion fromLandmarks(float[] landmarks, int stride) {
        float wristX = landmarks[0];
        float wristY = landmarks[1];
        // Towards the middle of the index, middle and ring MCPs, the middle one counted twice.
        float towardX = ((landmarks[5 * stride] + landmarks[13 * stride]) / 2 + landmarks[9 * stride]) / 2;
        float towardY = ((landmarks[5 * stride + 1] + landmarks[13 * stride + 1]) / 2 + landmarks[9 * stride + 1]) / 2;
        float rotation = rotation(wristX, wristY, towardX, towardY);

        float minX = Float.MAX_VALUE;
        float minY = Float.MAX_VALUE;
        float maxX = -Float.MAX_VALUE;
        float maxY = -Float.MAX_VALUE;
        for (int i : TRACKING_SUBSET) {
            minX = Math.min(minX, landmarks[i * stride]);
            maxX = Math.max(maxX, landmarks[i * stride]);
            minY = Math.min(minY, landmarks[i * stride + 1]);
            maxY = Math.max(maxY, landmarks[i * stride + 1]);
        }
        float alignedX = (minX + maxX) / 2;
        float alignedY = (minY + maxY) / 2;

        // Bounds in the hand's own (rotated) frame, around the axis-aligned centre.
        double cos = Math.cos(-rotation);
        double sin = Math.sin(-rotation);
        double pMinX = Double.MAX_VALUE;
        double pMinY = Double.MAX_VALUE;
        double pMaxX = -Double.MAX_VALUE;
        double pMaxY = -Double.MAX_VALUE;
        for (int i : TRACKING_SUBSET) {
            double dx = landmarks[i * stride] - alignedX;
            double dy = landmarks[i * stride + 1] - alignedY;
            double px = dx * cos - dy * sin;
            double py = dx * sin + dy * cos;
            pMinX = Math.min(pMinX, px);
            pMaxX = Math.max(pMaxX, px);
            pMinY = Math.min(pMinY, py);
            pMaxY = Math.max(pMaxY, py);
        }
        double pcx = (pMinX + pMaxX) / 2;
        double pcy = (pMinY + pMaxY) / 2;
        double rc = Math.cos(rotation);
        double rs = Math.sin(rotation);
        float centerX = (float) (pcx * rc - pcy * rs + alignedX);
        float centerY = (float) (pcx * rs + pcy * rc + alignedY);
        HandRegion bounds =
                new HandRegion(centerX, centerY, (float) (pMaxX - pMinX), (float) (pMaxY - pMinY), rotation);
        return bounds.transformed(TRACKING_SCALE, TRACKING_SHIFT_Y);
    }

    /**
     * RectTransformation: shift along the rotated y axis by {@code shiftY} heights, make square on the long
     * side, then scale.
     */
    HandRegion transformed(float scale, float shiftY) {
        double shift = height * shiftY;
        float cx = (float) (centerX - shift * Math.sin(rotation));
        float cy = (float) (centerY + shift * Math.cos(rotation));
        float side = Math.max(width, height) * scale;
        return new HandRegion(cx, cy, side, side, rotation);
    }

    /** MediaPipe's rotation: the angle that turns the start → end vector to point straight up. */
    static float rotation(float startX, float startY, float endX, float endY) {
        return (float) normalizeRadians(TARGET_ANGLE - Math.atan2(-(endY - startY), endX - startX));
    }

    static double normalizeRadians(double angle) {
        return angle - 2 * Math.PI * Math.floor((angle + Math.PI) / (2 * Math.PI));
    }

    /**
     * The four corners in frame pixels, clockwise from top-left of the upright hand: top-left, top-right,
     * bottom-right, bottom-left (as x, y pairs).
     */
    public float[] corners() {
        double cos = Math.cos(rotation);
        double sin = Math.sin(rotation);
        double hw = width / 2.0;
        double hh = height / 2.0;
        double[][] local = {{-hw, -hh}, {hw, -hh}, {hw, hh}, {-hw, hh}};
        float[] out = new float[8];
        for (int i = 0; i < 4; i++) {
            out[2 * i] = (float) (centerX + local[i][0] * cos - local[i][1] * sin);
            out[2 * i + 1] = (float) (centerY + local[i][0] * sin + local[i][1] * cos);
        }
        return out;
    }

    /** Intersection over union of the two regions' axis-aligned bounds, enough to tell "the same hand". */
    public float overlap(HandRegion other) {
        float[] a = bounds();
        float[] b = other.bounds();
        float ix = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        float iy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        float inter = ix * iy;
        float union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** Whether this region is the same hand as one of {@code others}. */
    boolean overlapsAny(java.util.List<HandRegion> others) {
        for (HandRegion o : others) {
            if (overlap(o) > SAME_HAND_OVERLAP) {
                return true;
            }
        }
        return false;
    }

    private float[] bounds() {
        float[] c = corners();
        float minX = Math.min(Math.min(c[0], c[2]), Math.min(c[4], c[6]));
        float maxX = Math.max(Math.max(c[0], c[2]), Math.max(c[4], c[6]));
        float minY = Math.min(Math.min(c[1], c[3]), Math.min(c[5], c[7]));
        float maxY = Math.max(Math.max(c[1], c[3]), Math.max(c[5], c[7]));
        return new float[] {minX, minY, maxX, maxY};
    }
}

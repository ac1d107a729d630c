package io.palmreader.vision;

/**
 * One palm found by the detector, in the coordinate space it was decoded in (normalized letterbox input
 * or frame pixels, see {@link PalmDecoder}).
 *
 * @param score     detection confidence 0..1
 * @param xMin      left edge of the box
 * @param yMin      top edge of the box
 * @param width     box width
 * @param height    box height
 * @param keypoints 7 keypoints as x0, y0, x1, y1, …; 0 = wrist centre, 2 = middle finger MCP
 */
public record PalmDetection(float score, float xMin, float yMin, float width, float height, float[] keypoints) {

    public static final int KEYPOINTS = 7;
    public static final int WRIST = 0;
    public static final int MIDDLE_FINGER_MCP = 2;

    public float keypointX(int k) {
        return keypoints[2 * k];
    }

    public float keypointY(int k) {
        return keypoints[2 * k + 1];
    }

    public float area() {
        return Math.max(0, width) * Math.max(0, height);
    }

    /** Intersection over union of two boxes; 0 when either is empty. */
    public float iou(PalmDetection other) {
        float ix = Math.min(xMin + width, other.xMin + other.width) - Math.max(xMin, other.xMin);
        float iy = Math.min(yMin + height, other.yMin + other.height) - Math.max(yMin, other.yMin);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        float inter = ix * iy;
        float union = area() + other.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** The same detection with every coordinate mapped by {@code x' = x * sx + tx}, {@code y' = y * sy + ty}. */
    public PalmDetection transformed(float sx, float tx, float sy, float ty) {
        float[] k = new float[keypoints.length];
        for (int i = 0; i < k.length; i += 2) {
            k[i] = keypoints[i] * sx + tx;
            k[i + 1] = keypoints[i + 1] * sy + ty;
        }
        return new PalmDetection(score, xMin * sx + tx, yMin * sy + ty, width * sx, height * sy, k);
    }
}

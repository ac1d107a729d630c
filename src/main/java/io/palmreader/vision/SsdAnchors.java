package io.palmreader.vision;

/**
 * SSD anchor centres as MediaPipe's SsdAnchorsCalculator lays them out. Palm detection uses
 * fixed-size anchors (every anchor is 1 × 1 in input units), so only the centres are kept.
 *
 * <p>Consecutive layers with the same stride share one feature map; each such layer contributes one anchor
 * per aspect ratio plus one interpolated-scale anchor per cell.
 */
public final class SsdAnchors {

    private final float[] centerX;
    private final float[] centerY;

    private SsdAnchors(float[] centerX, float[] centerY) {
        this.centerX = centerX;
        this.centerY = centerY;
    }

    /** The 2016 anchors of MediaPipe's 192 × 192 palm detector (strides 8, 16, 16, 16). */
    public static SsdAnchors palmDetector() {
        return generate(192, 192, new int[] {8, 16, 16, 16}, 2, 0.5f, 0.5f);
    }

    /**
     * Lays out anchors for a square-anchor SSD.
     *
     * @param inputWidth         model input width in pixels
     * @param inputHeight        model input height in pixels
     * @param strides            one stride per layer
     * @param anchorsPerLayer    anchors each layer adds per cell: one per aspect ratio, plus one when an
     *                           interpolated scale is configured (palm detection: aspect ratio 1.0 + interpolated = 2)
     * @param offsetX            anchor centre offset within a cell, in cells
     * @param offsetY            the same vertically
     */
    public static SsdAnchors generate(
            int inputWidth, int inputHeight, int[] strides, int anchorsPerLayer, float offsetX, float offsetY) {
        int total = 0;
        for (int layer = 0; layer < strides.length; ) {
            int next = sameStrideEnd(strides, layer);
            int perCell = (next - layer) * anchorsPerLayer;
            total += featureMapSize(inputWidth, strides[layer]) * featureMapSize(inputHeight, strides[layer]) * perCell;
            layer = next;
        }
        float[] cx = new float[total];
        float[] cy = new float[total];
        int i = 0;
        for (int layer = 0; layer < strides.length; ) {
            int next = sameStrideEnd(strides, layer);
            int perCell = (next - layer) * anchorsPerLayer;
            int mapW = featureMapSize(inputWidth, strides[layer]);
            int mapH = featureMapSize(inputHeight, strides[layer]);
            for (int y = 0; y < mapH; y++) {
                for (int x = 0; x < mapW; x++) {
                    for (int a = 0; a < perCell; a++) {
                        cx[i] = (x + offsetX) / mapW;
                        cy[i] = (y + offsetY) / mapH;
                        i++;
                    }
                }
            }
            layer = next;
        }
        return new SsdAnchors(cx, cy);
    }

    private static int sameStrideEnd(int[] strides, int layer) {
        int next = layer;
        while (next < strides.length && strides[next] == strides[layer]) {
            next++;
        }
        return next;
    }

    private static int featureMapSize(int inputSize, int stride) {
        return (inputSize + stride - 1) / stride;
    }

    public int size() {
        return centerX.length;
    }

    /** Centre x of anchor {@code i}, normalized to the model input (0..1). */
    public float centerX(int i) {
        return centerX[i];
    }

    /** Centre y of anchor {@code i}, normalized to the model input (0..1). */
    public float centerY(int i) {
        return centerY[i];
    }
}

package io.palmreader.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Palm decoding: boxes and keypoints from anchors, sigmoid scores, weighted NMS")
class PalmDecoderTest {

    private static final float EPS = 1e-5f;
    private final SsdAnchors anchors = SsdAnchors.palmDetector();
    private final PalmDecoder decoder = new PalmDecoder(anchors, 192);

    private float[] logits() {
        float[] l = new float[anchors.size()];
        Arrays.fill(l, -20f);
        return l;
    }

    private static void setBox(float[] reg, int anchor, float dx, float dy, float w, float h) {
        int o = anchor * PalmDecoder.COORDS;
        reg[o] = dx;
        reg[o + 1] = dy;
        reg[o + 2] = w;
        reg[o + 3] = h;
        for (int k = 0; k < PalmDetection.KEYPOINTS; k++) {
            reg[o + 4 + 2 * k] = dx + k;
            reg[o + 5 + 2 * k] = dy - k;
        }
    }

    @Test
    @DisplayName("offsets are in input pixels around the anchor centre; size in input pixels; keypoints likewise")
    void decodesOneBox() {
        float[] reg = new float[anchors.size() * PalmDecoder.COORDS];
        float[] logits = logits();
        int anchor = 1152 + 6 * 13; // stride 16, cell (1, 1): centre (1.5/12, 1.5/12)
        setBox(reg, anchor, 9.6f, -19.2f, 48f, 24f);
        logits[anchor] = 2f;
        List<PalmDetection> palms = decoder.decode(reg, logits, 0.5f);
        assertEquals(1, palms.size());
        PalmDetection p = palms.get(0);
        float cx = 1.5f / 12 + 9.6f / 192;
        float cy = 1.5f / 12 - 19.2f / 192;
        assertEquals(1 / (1 + Math.exp(-2)), p.score(), EPS);
        assertEquals(cx - 0.125f, p.xMin(), EPS);
        assertEquals(cy - 0.0625f, p.yMin(), EPS);
        assertEquals(0.25f, p.width(), EPS);
        assertEquals(0.125f, p.height(), EPS);
        assertEquals(1.5f / 12 + (9.6f + 3) / 192, p.keypointX(3), EPS);
        assertEquals(1.5f / 12 + (-19.2f - 3) / 192, p.keypointY(3), EPS);
    }

    @Test
    @DisplayName("scores below the threshold are dropped; huge logits are clipped, not overflowed")
    void thresholdAndClip() {
        float[] reg = new float[anchors.size() * PalmDecoder.COORDS];
        float[] logits = logits();
        setBox(reg, 10, 0, 0, 20, 20);
        setBox(reg, 2000, 0, 0, 20, 20);
        logits[10] = -0.1f; // sigmoid just under 0.5
        logits[2000] = 1e30f;
        List<PalmDetection> palms = decoder.decode(reg, logits, 0.5f);
        assertEquals(1, palms.size());
        assertTrue(palms.get(0).score() <= 1f && palms.get(0).score() > 0.99f);
        assertEquals(anchors.centerX(2000), palms.get(0).xMin() + palms.get(0).width() / 2, EPS);
    }

    @Test
    @DisplayName("tensors smaller than the anchors are refused")
    void shortTensors() {
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(new float[10], new float[10], 0.5f));
    }

    private static PalmDetection box(float score, float x, float y, float size) {
        float[] k = new float[2 * PalmDetection.KEYPOINTS];
        Arrays.fill(k, x);
        return new PalmDetection(score, x, y, size, size, k);
    }

    @Test
    @DisplayName("weighted NMS: overlapping boxes merge into their score-weighted mean, keeping the best score")
    void weightedMerge() {
        PalmDetection strong = box(0.9f, 0.10f, 0.10f, 0.20f);
        PalmDetection weak = box(0.3f, 0.12f, 0.10f, 0.20f); // IoU ≈ 0.82
        List<PalmDetection> kept = PalmDecoder.weightedNonMaxSuppression(List.of(weak, strong), 0.3f);
        assertEquals(1, kept.size());
        PalmDetection m = kept.get(0);
        assertEquals(0.9f, m.score(), EPS);
        assertEquals((0.9f * 0.10f + 0.3f * 0.12f) / 1.2f, m.xMin(), EPS);
        assertEquals(0.20f, m.width(), EPS);
        assertEquals((0.9f * 0.10f + 0.3f * 0.12f) / 1.2f, m.keypoints()[0], EPS);
    }

    @Test
    @DisplayName("weighted NMS: separate hands stay separate, strongest first")
    void separateHands() {
        PalmDetection left = box(0.6f, 0.05f, 0.40f, 0.20f);
        PalmDetection right = box(0.8f, 0.60f, 0.40f, 0.20f);
        PalmDetection touching = box(0.7f, 0.20f, 0.40f, 0.20f); // IoU with left = 1/7, under 0.3
        List<PalmDetection> kept = PalmDecoder.weightedNonMaxSuppression(List.of(left, right, touching), 0.3f);
        assertEquals(3, kept.size());
        assertEquals(0.8f, kept.get(0).score(), EPS);
        assertEquals(0.7f, kept.get(1).score(), EPS);
        assertEquals(0.6f, kept.get(2).score(), EPS);
        assertEquals(0.05f, kept.get(2).xMin(), EPS);
    }

    @Test
    @DisplayName("intersection over union of two boxes")
    void iou() {
        PalmDetection a = box(1, 0, 0, 2);
        assertEquals(1f, a.iou(a), EPS);
        assertEquals(1f / 3, a.iou(box(1, 1, 0, 2)), EPS);
        assertEquals(0f, a.iou(box(1, 5, 5, 1)), EPS);
    }
}

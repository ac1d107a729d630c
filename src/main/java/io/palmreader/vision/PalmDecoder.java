package io.palmreader.vision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the palm detector's raw tensors into palms: anchor decoding, sigmoid scores, score threshold and
 * weighted non-maximum suppression, as MediaPipe's TensorsToDetections and NonMaxSuppression calculators
 * are configured for palm detection. Pure arithmetic; coordinates come out normalized to the model input.
 */
public final class PalmDecoder {

    /** Values per anchor in the regressor tensor: box (x, y, w, h) then 7 keypoints (x, y). */
    public static final int COORDS = 4 + 2 * PalmDetection.KEYPOINTS;
    /** IoU above which candidates are merged into the stronger one. */
    public static final float NMS_IOU_THRESHOLD = 0.3f;

    private static final float SCORE_CLIP = 100f;

    private final SsdAnchors anchors;
    private final float inputSize;

    public PalmDecoder(SsdAnchors anchors, int inputSize) {
        this.anchors = anchors;
        this.inputSize = inputSize;
    }

    /**
     * Decodes one image's output.
     *
     * @param regressors  {@code anchors × 18} floats, anchor-major
     * @param logits      one score logit per anchor
     * @param minScore    detections scoring below are dropped (MediaPipe's min_detection_confidence)
     * @return palms after weighted NMS, strongest first, normalized to the model input
     */
    public List<PalmDetection> decode(float[] regressors, float[] logits, float minScore) {
        int n = anchors.size();
        if (logits.length < n || regressors.length < n * COORDS) {
            throw new IllegalArgumentException("palm tensors too small for " + n + " anchors: " + regressors.length
                    + " regressors, " + logits.length + " scores");
        }
        List<PalmDetection> candidates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float score = sigmoid(Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, logits[i])));
            if (score < minScore) {
                continue;
            }
            int o = i * COORDS;
            float ax = anchors.centerX(i);
            float ay = anchors.centerY(i);
            float cx = regressors[o] / inputSize + ax;
            float cy = regressors[o + 1] / inputSize + ay;
            float w = regressors[o + 2] / inputSize;
            float h = regressors[o + 3] / inputSize;
            float[] k = new float[2 * PalmDetection.KEYPOINTS];
            for (int j = 0; j < PalmDetection.KEYPOINTS; j++) {
                k[2 * j] = regressors[o + 4 + 2 * j] / inputSize + ax;
                k[2 * j + 1] = regressors[o + 5 + 2 * j] / inputSize + ay;
            }
            candidates.add(new PalmDetection(score, cx - w / 2, cy - h / 2, w, h, k));
        }
        return weightedNonMaxSuppression(candidates, NMS_IOU_THRESHOLD);
    }

    /**
     * MediaPipe's WEIGHTED suppression: the strongest remaining detection absorbs every candidate overlapping it
     * above {@code iouThreshold}; its box and keypoints become their score-weighted mean, its score stays.
     */
    public static List<PalmDetection> weightedNonMaxSuppression(List<PalmDetection> detections, float iouThreshold) {
        List<PalmDetection> remaining = new ArrayList<>(detections);
        remaining.sort(Comparator.comparingDouble(PalmDetection::score).reversed());
        List<PalmDetection> kept = new ArrayList<>();
        while (!remaining.isEmpty()) {
            PalmDetection best = remaining.get(0);
            List<PalmDetection> merged = new ArrayList<>();
            List<PalmDetection> rest = new ArrayList<>();
            for (PalmDetection d : remaining) {
                (best.iou(d) > iouThreshold ? merged : rest).add(d);
            }
            kept.add(merged.size() <= 1 ? best : weightedMean(best.score(), merged));
            remaining = rest;
        }
        return kept;
    }

    private static PalmDetection weightedMean(float score, List<PalmDetection> group) {
        float total = 0;
        float xMin = 0;
        float yMin = 0;
        float xMax = 0;
        float yMax = 0;
        float[] k = new float[2 * PalmDetection.KEYPOINTS];
        for (PalmDetection d : group) {
            float s = d.score();
            total += s;
            xMin += s * d.xMin();
            yMin += s * d.yMin();
            xMax += s * (d.xMin() + d.width());
            yMax += s * (d.yMin() + d.height());
            for (int j = 0; j < k.length; j++) {
                k[j] += s * d.keypoints()[j];
            }
        }
        for (int j = 0; j < k.length; j++) {
            k[j] /= total;
        }
        return new PalmDetection(score, xMin / total, yMin / total, (xMax - xMin) / total, (yMax - yMin) / total, k);
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}

package io.palmreader.gesture;

import static io.palmreader.gesture.TaughtGestures.BASE_RADIUS;
import static io.palmreader.gesture.TaughtGestures.MAX_RADIUS;
import static io.palmreader.gesture.TaughtGestures.SEPARATION;
import static io.palmreader.gesture.TaughtGestures.SPREAD_FACTOR;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How far each example of a taught set reaches (see {@link TaughtGestures}): learned once, when the set is made, from
 * the spread between each gesture's recordings and the distance to the other gestures' examples. Pure.
 */
final class ExampleRadii {

    private ExampleRadii() {}

    /**
     * A run of consecutive examples (one gesture's, or one recording's): their mean and how far the farthest lies from
     * it.
     */
    private record Cluster(int from, int to, float[] centre, double extent) {

        /** The clusters of runs of equal {@code keys}, in order. */
        static Cluster[] of(float[][] examples, int[] keys) {
            List<Cluster> clusters = new ArrayList<>();
            for (int from = 0; from < examples.length; ) {
                int to = from;
                while (to < examples.length && keys[to] == keys[from]) {
                    to++;
                }
                float[] centre = new float[HandShape.FEATURES];
                for (int i = from; i < to; i++) {
                    for (int k = 0; k < centre.length; k++) {
                        centre[k] += examples[i][k] / (to - from);
                    }
                }
                double extent = 0;
                for (int i = from; i < to; i++) {
                    extent = Math.max(extent, HandShape.distance(centre, examples[i]));
                }
                clusters.add(new Cluster(from, to, centre, extent));
                from = to;
            }
            return clusters.toArray(new Cluster[0]);
        }

        /** At most how near any example of one can come to any of the other. */
        double apart(Cluster other) {
            return HandShape.distance(centre, other.centre) - extent - other.extent;
        }
    }

    /**
     * Each example's radius: at least {@link TaughtGestures#BASE_RADIUS}, widened to {@link
     * TaughtGestures#SPREAD_FACTOR} × how far its gesture's recordings lie from each other (at most {@link
     * TaughtGestures#MAX_RADIUS}), narrowed to {@link TaughtGestures#SEPARATION} × its distance to the nearest example
     * of another gesture.
     *
     * @param examples    every example's features, each gesture's and within it each recording's consecutive
     * @param gestureOf   the gesture of each example
     * @param recordingOf the recording (within its gesture) of each example
     */
    static double[] of(float[][] examples, int[] gestureOf, int[] recordingOf) {
        int n = examples.length;
        double[] radius = new double[n];
        if (n == 0) {
            return radius;
        }
        int gestureCount = gestureOf[n - 1] + 1;
        // Per gesture, the farthest any recording lies from its nearest sibling recording.
        double[] spread = new double[gestureCount];
        double[] toOthers = new double[n];
        for (int g = 0; g < gestureCount; g++) {
            Map<Integer, Double> nearestSibling = new HashMap<>();
            for (int i = 0; i < n; i++) {
                if (gestureOf[i] != g) {
                    continue;
                }
                double nearest = nearestSibling.getOrDefault(recordingOf[i], Double.MAX_VALUE);
                for (int j = 0; j < n; j++) {
                    if (gestureOf[j] == g && recordingOf[j] != recordingOf[i]) {
                        nearest = Math.min(nearest, HandShape.distanceWithin(examples[i], examples[j], nearest));
                    }
                }
                nearestSibling.put(recordingOf[i], nearest);
            }
            spread[g] = nearestSibling.values().stream()
                    .filter(d -> d < Double.MAX_VALUE)
                    .mapToDouble(Double::doubleValue)
                    .max()
                    .orElse(0);
        }
        // Another gesture's example farther than this cannot narrow a radius. The distance is a norm's (the largest of
        // the fingers' root mean squares), so the triangle inequality holds: whole gestures, then whole recordings,
        // whose centres lie farther apart than that plus their own extents are passed over without a look at their
        // examples, which leaves few pairs to measure between poses that differ.
        double farEnough = MAX_RADIUS / SEPARATION;
        Arrays.fill(toOthers, farEnough);
        Cluster[] byGesture = Cluster.of(examples, gestureOf);
        int[] recordingKey = new int[n];
        for (int i = 0, key = -1; i < n; i++) {
            key += i == 0 || gestureOf[i] != gestureOf[i - 1] || recordingOf[i] != recordingOf[i - 1] ? 1 : 0;
            recordingKey[i] = key;
        }
        Cluster[] byRecording = Cluster.of(examples, recordingKey);
        for (Cluster a : byGesture) {
            for (Cluster b : byGesture) {
                if (a.from() >= b.from() || a.apart(b) >= farEnough) {
                    continue;
                }
                for (int ra = recordingKey[a.from()]; ra <= recordingKey[a.to() - 1]; ra++) {
                    for (int rb = recordingKey[b.from()]; rb <= recordingKey[b.to() - 1]; rb++) {
                        Cluster x = byRecording[ra];
                        Cluster y = byRecording[rb];
                        if (x.apart(y) >= farEnough) {
                            continue;
                        }
                        for (int i = x.from(); i < x.to(); i++) {
                            for (int j = y.from(); j < y.to(); j++) {
                                double limit = Math.max(toOthers[i], toOthers[j]);
                                double d = HandShape.distanceWithin(examples[i], examples[j], limit);
                                toOthers[i] = Math.min(toOthers[i], d);
                                toOthers[j] = Math.min(toOthers[j], d);
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            double own = Math.min(MAX_RADIUS, Math.max(BASE_RADIUS, SPREAD_FACTOR * spread[gestureOf[i]]));
            radius[i] = Math.min(own, SEPARATION * toOthers[i]);
        }
        return radius;
    }
}

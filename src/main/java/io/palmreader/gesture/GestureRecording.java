package io.palmreader.gesture;

import io.palmreader.vision.Gesture;
import io.palmreader.vision.Hand;
import io.palmreader.vision.Handedness;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A gesture being taught: the shapes of the next {@code frames} answers that show exactly one hand, gathered within
 * {@link #TIME_LIMIT_MS}, then made into one {@link TaughtGesture.Recording} if they agree. Pure and per session: time
 * comes from the caller.
 */
public final class GestureRecording {

    /** How long the examples may take to gather. */
    public static final long TIME_LIMIT_MS = 10_000;

    public static final int MIN_FRAMES = 5;
    public static final int MAX_FRAMES = 60;

    /**
     * How near an example must be to a group's most central one to join the group: one pose held before a camera
     * stays within about 0.2 of its mean in nine frames out of ten ({@link HandShape#distance}).
     */
    static final double GROUP_RADIUS = 0.2;

    /**
     * The share of examples that may lie beyond {@link #GROUP_RADIUS} of every group: a hand that moves in and out of
     * the pose for a moment is forgiven, one that shows two poses is not.
     */
    static final double MAX_OUTLIER_SHARE = 1 / 3.0;

    /**
     * How far apart the groups of examples may be and still be one pose seen in different ways (a hand found afresh and
     * the same hand followed for a few frames). Photos of different poses lie 0.45 and more apart.
     */
    static final double SAME_POSE = 0.4;

    /** Why a recording made no gesture: the reason is what the client is told. */
    public static final class TeachFailure extends Exception {
        public TeachFailure(String reason) {
            super(reason, null, false, false);
        }
    }

    private final String name;
    private final int frames;
    private final long deadlineMs;
    private final List<float[]> shapes = new ArrayList<>();
    /** How many examples read as each canned gesture. */
    private final Map<String, Integer> canned = new HashMap<>();

    /**
     * @param frames examples to gather, {@value #MIN_FRAMES} to {@value #MAX_FRAMES}
     */
    public GestureRecording(String name, int frames, long nowMs) {
        this.name = name;
        this.frames = frames;
        this.deadlineMs = nowMs + TIME_LIMIT_MS;
    }

    public String name() {
        return name;
    }

    /** Examples gathered so far. */
    public int collected() {
        return shapes.size();
    }

    public int frames() {
        return frames;
    }

    public long deadlineMs() {
        return deadlineMs;
    }

    /** Takes an answer's hands as an example when there is exactly one; returns whether enough are gathered. */
    public boolean offer(List<Hand> hands) {
        if (hands.size() == 1 && shapes.size() < frames && hands.get(0).worldLandmarks() != null) {
            try {
                Hand hand = hands.get(0);
                shapes.add(HandShape.canonical(hand.worldLandmarks(), hand.handedness() == Handedness.LEFT));
                String label = hand.gesture() == null
                        ? Gesture.NONE.label()
                        : hand.gesture().label();
                canned.merge(label, 1, Integer::sum);
            } catch (IllegalArgumentException degenerate) {
                // not an example: the next frame may be
            }
        }
        return shapes.size() >= frames;
    }

    /** Whether time is up at {@code nowMs}. */
    public boolean expired(long nowMs) {
        return nowMs >= deadlineMs;
    }

    /**
     * Whether the next example should come from a hand found afresh rather than followed from the frame before: a group
     * of them from the middle of the recording on, so that the gesture's shapes cover both ways the landmark model sees
     * a pose (a hand followed for a while settles on landmarks a little different from those found afresh).
     */
    public boolean freshSearchDue() {
        int from = frames / 2;
        return shapes.size() >= from && shapes.size() < from + minGroup(frames);
    }

    /**
     * The gesture the examples show, as one recording: the examples are grouped around their most central one (those
     * within {@link #GROUP_RADIUS} of it), then around the most central of the rest, up to
     * {@value TaughtGesture.Recording#MAX_SHAPES} groups of at least {@link #minGroup}; each group's mean is one of its
     * shapes. The recording's canned label is the one most examples read as.
     *
     * @throws TeachFailure when too few examples came, too many fit no group, or the groups are two poses
     */
    public TaughtGesture finish(long nowMs) throws TeachFailure {
        if (shapes.size() < frames) {
            throw new TeachFailure("only " + shapes.size() + " of " + frames + " frames showed exactly one hand within "
                    + TIME_LIMIT_MS / 1000 + " s");
        }
        int n = shapes.size();
        float[][] features = new float[n][];
        for (int i = 0; i < n; i++) {
            features[i] = HandShape.features(shapes.get(i));
        }
        List<Integer> remaining = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            remaining.add(i);
        }
        List<float[]> groupShapes = new ArrayList<>();
        int firstCentre = -1;
        while (groupShapes.size() < TaughtGesture.Recording.MAX_SHAPES && !remaining.isEmpty()) {
            int centre = mostCentral(remaining, features);
            List<float[]> members = new ArrayList<>();
            for (int i : remaining) {
                if (HandShape.distance(features[centre], features[i]) <= GROUP_RADIUS) {
                    members.add(shapes.get(i));
                }
            }
            if (!groupShapes.isEmpty() && members.size() < minGroup(n)) {
                break;
            }
            if (firstCentre < 0) {
                firstCentre = centre;
            } else if (HandShape.distance(features[firstCentre], features[centre]) > SAME_POSE) {
                throw new TeachFailure(
                        "the examples disagree too much: they show more than one pose; hold one pose while "
                                + "the frames are recorded");
            }
            remaining.removeIf(i -> HandShape.distance(features[centre], features[i]) <= GROUP_RADIUS);
            // Canonical shapes keep the wrist at the origin and the palm at size 1: their mean is a hand of the same
            // kind.
            groupShapes.add(HandShape.canonical(mean(members), false));
        }
        if (remaining.size() > n * MAX_OUTLIER_SHARE) {
            throw new TeachFailure("the examples disagree too much: hold one pose while the frames are recorded ("
                    + remaining.size() + " of " + n + " differ)");
        }
        String mostRead = canned.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElse(Gesture.NONE.label());
        return TaughtGesture.of(name, new TaughtGesture.Recording(groupShapes, n, mostRead, nowMs));
    }

    /** The smallest group of examples kept as a shape of its own, beyond the first. */
    static int minGroup(int examples) {
        return Math.max(2, (int) Math.ceil(examples * 0.15));
    }

    private static int mostCentral(List<Integer> candidates, float[][] features) {
        int best = candidates.get(0);
        double bestSum = Double.MAX_VALUE;
        for (int i : candidates) {
            double sum = 0;
            for (int j : candidates) {
                sum += HandShape.distance(features[i], features[j]);
            }
            if (sum < bestSum) {
                bestSum = sum;
                best = i;
            }
        }
        return best;
    }

    private static float[] mean(List<float[]> shapes) {
        float[] mean = new float[3 * HandShape.POINTS];
        for (float[] s : shapes) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += s[i] / shapes.size();
            }
        }
        return mean;
    }
}

package io.palmreader.gesture;

import io.palmreader.vision.Hand;
import io.palmreader.vision.Handedness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One user's taught gestures, and the hand shapes they name: a hand takes the nearest one's name when its shape is
 * within {@link #MATCH_RADIUS} of it. Immutable: teaching and forgetting make a new set. Thread-safe.
 *
 * <p>The radius is set between the two distances that matter (measured on this project's photos and video with
 * {@link HandShape#distance}): one pose held before a camera stays within 0.027 of its mean in half the frames and
 * 0.044 in nine out of ten; the closest two photos of different canned gestures (a fist and a thumb down) are 0.090
 * apart. At 0.075 a hand showing its taught pose keeps its name through ordinary jitter, and teaching one pose
 * leaves every other canned pose with its own label.
 */
public final class TaughtGestures {

    /** How near a hand's shape must come to a taught one to take its name. */
    public static final double MATCH_RADIUS = 0.075;

    /**
     * How near a hand that showed a taught gesture in the answer before must stay to keep its name: as far as one pose
     * seen in two ways can be ({@code GestureRecording.SAME_POSE}).
     */
    public static final double HOLD_RADIUS = 2 * MATCH_RADIUS;

    /** The most gestures one user may teach. */
    public static final int MAX_PER_USER = 32;

    public static final TaughtGestures NONE = new TaughtGestures(List.of());

    /** A hand's taught gesture: its name, a score from 0.5 (at the radius) to 1 (the very shape) and the distance. */
    public record Match(String name, float score, double distance) {}

    private final List<TaughtGesture> gestures;
    /** Every gesture's shapes' features, and which gesture each belongs to. */
    private final float[][] features;

    private final int[] gestureOf;

    private TaughtGestures(List<TaughtGesture> gestures) {
        this.gestures = List.copyOf(gestures);
        List<float[]> all = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int g = 0; g < gestures.size(); g++) {
            for (float[] shape : gestures.get(g).shapes()) {
                all.add(HandShape.features(shape));
                owners.add(g);
            }
        }
        this.features = all.toArray(new float[0][]);
        this.gestureOf = owners.stream().mapToInt(Integer::intValue).toArray();
    }

    public List<TaughtGesture> gestures() {
        return gestures;
    }

    public boolean isEmpty() {
        return gestures.isEmpty();
    }

    public List<String> names() {
        return gestures.stream().map(TaughtGesture::name).toList();
    }

    /** Whether a gesture of this name is taught (names compare ignoring case). */
    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    /** With {@code g} added, or in place of the one of the same name. */
    public TaughtGestures with(TaughtGesture g) {
        List<TaughtGesture> next = new ArrayList<>(gestures);
        int at = indexOf(g.name());
        if (at >= 0) {
            next.set(at, g);
        } else {
            next.add(g);
        }
        return new TaughtGestures(next);
    }

    /** Without the gesture of this name (the same set when there is none). */
    public TaughtGestures without(String name) {
        int at = indexOf(name);
        if (at < 0) {
            return this;
        }
        List<TaughtGesture> next = new ArrayList<>(gestures);
        next.remove(at);
        return new TaughtGestures(next);
    }

    /**
     * What each hand shows: the taught gesture its shape is near enough to, which takes precedence over the canned one,
     * or else the canned one.
     */
    public List<HandGesture> label(List<Hand> hands) {
        return label(hands, Map.of());
    }

    /**
     * As {@link #label(List)}, for hands that may have shown a taught gesture in the answer before ({@code held}: hand
     * → that gesture's name): such a hand keeps the name while its shape stays within {@link #HOLD_RADIUS}, so that the
     * landmark model's drift as it follows a hand from frame to frame does not make the name flicker.
     */
    public List<HandGesture> label(List<Hand> hands, Map<String, String> held) {
        List<HandGesture> gestures = new ArrayList<>(hands.size());
        for (Hand h : hands) {
            float[] shape = features.length == 0 ? null : featuresOf(h);
            Match m = shape == null ? null : match(shape);
            String before = held.get(h.handedness().label());
            if (m == null && before != null && shape != null) {
                m = within(shape, before, HOLD_RADIUS);
            }
            gestures.add(m != null ? new HandGesture(m.name(), m.score(), true) : HandGesture.canned(h));
        }
        return gestures;
    }

    /** The taught gesture {@code hand} shows, or null when none is near enough (or nothing is taught). */
    public Match match(Hand hand) {
        float[] handFeatures = features.length == 0 ? null : featuresOf(hand);
        return handFeatures == null ? null : match(handFeatures);
    }

    /** The gesture named {@code name} if one of its shapes is within {@code radius} of the hand's features. */
    private Match within(float[] handFeatures, String name, double radius) {
        int g = indexOf(name);
        double nearest = Double.MAX_VALUE;
        for (int i = 0; g >= 0 && i < features.length; i++) {
            if (gestureOf[i] == g) {
                nearest = Math.min(nearest, HandShape.distance(handFeatures, features[i]));
            }
        }
        return nearest <= radius ? new Match(gestures.get(g).name(), score(nearest), nearest) : null;
    }

    /** 1 for the very shape, 0.5 at {@link #MATCH_RADIUS}, 0 at twice that. */
    private static float score(double distance) {
        return (float) Math.max(0, 1 - distance / (2 * MATCH_RADIUS));
    }

    private static float[] featuresOf(Hand hand) {
        if (hand.worldLandmarks() == null) {
            return null;
        }
        try {
            return HandShape.features(HandShape.canonical(hand.worldLandmarks(), hand.handedness() == Handedness.LEFT));
        } catch (IllegalArgumentException degenerate) {
            return null;
        }
    }

    /** The taught gesture nearest to these {@link HandShape#features}, if within the radius. */
    Match match(float[] handFeatures) {
        int best = -1;
        double bestDistance = MATCH_RADIUS;
        for (int i = 0; i < features.length; i++) {
            double d = HandShape.distance(handFeatures, features[i]);
            if (d <= bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        return new Match(gestures.get(gestureOf[best]).name(), score(bestDistance), bestDistance);
    }

    private int indexOf(String name) {
        for (int i = 0; i < gestures.size(); i++) {
            if (gestures.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    public JsonObject toJson() {
        JsonArray list = new JsonArray();
        gestures.forEach(g -> list.add(g.toJson()));
        return new JsonObject().put("gestures", list);
    }

    /**
     * A set from {@link #toJson}; entries that are not valid gestures are left out, and at most {@link #MAX_PER_USER}
     * are kept, so a damaged record costs its bad entries only.
     */
    public static TaughtGestures fromJson(JsonObject json) {
        List<TaughtGesture> list = new ArrayList<>();
        JsonArray entries = json.getValue("gestures") instanceof JsonArray a ? a : new JsonArray();
        for (Object entry : entries) {
            if (list.size() == MAX_PER_USER) {
                break;
            }
            if (entry instanceof JsonObject o) {
                try {
                    TaughtGesture g = TaughtGesture.fromJson(o);
                    if (list.stream().noneMatch(t -> t.name().equalsIgnoreCase(g.name()))) {
                        list.add(g);
                    }
                } catch (IllegalArgumentException invalid) {
                    // left out: see the method's comment
                }
            }
        }
        return new TaughtGestures(list);
    }
}

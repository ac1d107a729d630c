package io.palmreader.gesture;

import io.palmreader.vision.Gesture;
import io.palmreader.vision.Hand;
import io.palmreader.vision.Handedness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One user's (or one team's) taught gestures, and the hand shapes they name. Immutable: teaching and forgetting make
 * a new set. Thread-safe.
 *
 * <p>A hand takes a gesture's name when its shape ({@link HandShape#features}) is near one of that gesture's
 * examples (every shape of every recording), each example with an acceptance radius of its own, learned when the set
 * is made:
 *
 * <ul>
 *   <li>at least {@link #BASE_RADIUS}, widened to {@link #SPREAD_FACTOR} × how far the gesture's recordings lie from
 *       each other (the farthest recording from its nearest sibling), at most {@link #MAX_RADIUS}: a gesture shown by
 *       several people, or turned several ways, accepts as much variation as its own examples show;
 *   <li>narrowed to {@link #SEPARATION} × the example's distance to the nearest example of any other gesture, so
 *       that two taught poses never overlap;
 *   <li>a hand that reads as a canned gesture which none of the gesture's recordings read as must come within
 *       {@link #CANNED_CLEARANCE} of the radius: a pose that was never taught keeps its canned label, and a taught
 *       name wins over a canned label only on a clear match.
 * </ul>
 *
 * The hand takes the gesture it comes nearest to relative to the radii. The numbers come from measurement on webcam
 * photos of counted fingers by several people ({@code teach-eval}, README): see {@link HandShape#distance} for the
 * distances they are set against.
 */
public final class TaughtGestures {

    /** The acceptance radius of a gesture whose recordings agree (or that has one). */
    public static final double BASE_RADIUS = 0.3;

    /** The widest acceptance radius, however much a gesture's recordings vary. */
    public static final double MAX_RADIUS = 0.45;

    /** How much of the spread between a gesture's recordings its radius covers. */
    public static final double SPREAD_FACTOR = 1.5;

    /** The share of the distance to another gesture's nearest example that an example's radius may reach. */
    public static final double SEPARATION = 0.7;

    /** The share of the radius a match must come within to win over a canned gesture the recordings never read as. */
    public static final double CANNED_CLEARANCE = 0.5;

    /**
     * How far beyond its radius a hand that showed a taught gesture in the answer before may move and keep the name,
     * so that the landmark model's jitter as it follows a hand does not make the name flicker.
     */
    public static final double HOLD_FACTOR = 1.5;

    /** The most gestures one user (or team) may teach. */
    public static final int MAX_PER_USER = 32;

    public static final TaughtGestures NONE = new TaughtGestures(List.of());

    /**
     * A hand's taught gesture: its name, a score from 0.5 (at the radius) to 1 (the very shape; below 0.5 for a held
     * hand beyond the radius), the distance to the nearest example and that distance over the example's radius.
     */
    public record Match(String name, float score, double distance, double ratio) {}

    private final List<TaughtGesture> gestures;
    /** Every example's features, the gesture it belongs to and its acceptance radius. */
    private final float[][] examples;

    private final int[] gestureOf;
    private final double[] radius;
    /** Per gesture, the canned labels its recordings read as. */
    private final List<Set<String>> cannedOf;

    private TaughtGestures(List<TaughtGesture> gestures) {
        this.gestures = List.copyOf(gestures);
        List<float[]> all = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        List<Integer> recordingOf = new ArrayList<>();
        cannedOf = new ArrayList<>();
        for (int g = 0; g < gestures.size(); g++) {
            Set<String> canned = new HashSet<>();
            List<TaughtGesture.Recording> recordings = gestures.get(g).recordings();
            for (int r = 0; r < recordings.size(); r++) {
                canned.add(recordings.get(r).canned());
                for (float[] shape : recordings.get(r).shapes()) {
                    all.add(HandShape.features(shape));
                    owners.add(g);
                    recordingOf.add(r);
                }
            }
            cannedOf.add(Set.copyOf(canned));
        }
        this.examples = all.toArray(new float[0][]);
        this.gestureOf = owners.stream().mapToInt(Integer::intValue).toArray();
        this.radius = ExampleRadii.of(
                examples,
                gestureOf,
                recordingOf.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A set of these gestures (at most {@link #MAX_PER_USER}; names compare ignoring case, the first one kept). */
    public static TaughtGestures of(List<TaughtGesture> gestures) {
        List<TaughtGesture> list = new ArrayList<>();
        for (TaughtGesture g : gestures) {
            if (list.size() < MAX_PER_USER
                    && list.stream().noneMatch(t -> t.name().equalsIgnoreCase(g.name()))) {
                list.add(g);
            }
        }
        return list.isEmpty() ? NONE : new TaughtGestures(list);
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

    /** The gesture of this name (ignoring case), or null. */
    public TaughtGesture get(String name) {
        int at = indexOf(name);
        return at < 0 ? null : gestures.get(at);
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

    /**
     * With {@code g}'s recordings added to the gesture of the same name (keeping the newest {@code maxRecordings}), or
     * {@code g} added when there is none.
     */
    public TaughtGestures adding(TaughtGesture g, int maxRecordings) {
        TaughtGesture existing = get(g.name());
        return with(existing == null ? g : existing.adding(g, maxRecordings));
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
     * This set with {@code shared}'s gestures after its own, those whose names clash with one of its own left out: a
     * user's own taught gesture wins over a team's of the same name.
     */
    public TaughtGestures withShared(TaughtGestures shared) {
        if (shared.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return shared;
        }
        List<TaughtGesture> all = new ArrayList<>(gestures);
        all.addAll(shared.gestures);
        return of(all);
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
     * → that gesture's name): such a hand keeps the name while it stays within {@link #HOLD_FACTOR} of the radius.
     */
    public List<HandGesture> label(List<Hand> hands, Map<String, String> held) {
        List<HandGesture> shown = new ArrayList<>(hands.size());
        for (Hand h : hands) {
            Match m = examples.length == 0
                    ? null
                    : match(h, held.get(h.handedness().label()));
            shown.add(m != null ? new HandGesture(m.name(), m.score(), true) : HandGesture.canned(h));
        }
        return shown;
    }

    /** The taught gesture {@code hand} shows, or null when none is near enough (or nothing is taught). */
    public Match match(Hand hand) {
        return examples.length == 0 ? null : match(hand, null);
    }

    private Match match(Hand hand, String held) {
        float[] features = featuresOf(hand);
        if (features == null) {
            return null;
        }
        Gesture canned = hand.gesture();
        return match(
                features, canned == null ? Gesture.NONE.label() : canned.label(), held == null ? -1 : indexOf(held));
    }

    /**
     * The taught gesture nearest to these {@link HandShape#features} relative to the radii, if within; a hand read as
     * canned gesture {@code canned} needs a clear match for a gesture none of whose recordings read so; gesture
     * {@code held} (an index, or -1) is kept up to {@link #HOLD_FACTOR} × the radius.
     */
    Match match(float[] features, String canned, int held) {
        boolean cannedHand = !Gesture.NONE.label().equals(canned);
        int best = -1;
        double bestRatio = Double.MAX_VALUE;
        double bestDistance = 0;
        double bestToRadius = 0;
        for (int i = 0; i < examples.length; i++) {
            int g = gestureOf[i];
            double reach = radius[i];
            if (g == held) {
                reach *= HOLD_FACTOR;
            } else if (cannedHand && !cannedOf.get(g).contains(canned)) {
                reach *= CANNED_CLEARANCE;
            }
            if (!(reach > 0)) {
                continue; // an example another gesture's example coincides with accepts nothing
            }
            double limit = Math.min(reach, bestRatio * reach);
            double d = HandShape.distanceWithin(features, examples[i], limit);
            if (d <= limit) {
                double ratio = d / reach;
                if (ratio < bestRatio) {
                    bestRatio = ratio;
                    bestDistance = d;
                    bestToRadius = radius[i] > 0 ? d / radius[i] : Double.MAX_VALUE;
                    best = g;
                }
            }
        }
        if (best < 0) {
            return null;
        }
        // The score is against the example's own radius, so that a held hand beyond it says so (below 0.5).
        float score = (float) Math.max(0, 1 - bestToRadius / 2);
        return new Match(gestures.get(best).name(), score, bestDistance, bestToRadius);
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

    private int indexOf(String name) {
        for (int i = 0; i < gestures.size(); i++) {
            if (gestures.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The set as stored and exported: {@code {"gestures": [...]}}. */
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
            if (entry instanceof JsonObject o) {
                try {
                    list.add(TaughtGesture.fromJson(o));
                } catch (IllegalArgumentException invalid) {
                    // left out: see the method's comment
                }
            }
        }
        return of(list);
    }

    /**
     * A set from an import, all or nothing: every entry must be a valid gesture, names distinct, at most
     * {@link #MAX_PER_USER} gestures of at most {@code maxRecordings} recordings.
     *
     * @throws IllegalArgumentException saying what is wrong, and where
     */
    public static TaughtGestures parseStrict(JsonObject json, int maxRecordings) {
        if (json == null || !(json.getValue("gestures") instanceof JsonArray entries)) {
            throw new IllegalArgumentException("expected {\"gestures\": [...]}");
        }
        if (json.size() != 1) {
            throw new IllegalArgumentException("unknown fields beside \"gestures\"");
        }
        if (entries.size() > MAX_PER_USER) {
            throw new IllegalArgumentException("at most " + MAX_PER_USER + " gestures, got " + entries.size());
        }
        List<TaughtGesture> list = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.getValue(i) instanceof JsonObject o)) {
                throw new IllegalArgumentException("gestures[" + i + "] is not an object");
            }
            TaughtGesture g;
            try {
                g = TaughtGesture.fromJson(o);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gestures[" + i + "]: " + e.getMessage());
            }
            if (g.recordings().size() > maxRecordings) {
                throw new IllegalArgumentException("gestures[" + i + "]: at most " + maxRecordings + " recordings, got "
                        + g.recordings().size());
            }
            if (list.stream().anyMatch(t -> t.name().equalsIgnoreCase(g.name()))) {
                throw new IllegalArgumentException("gestures[" + i + "]: the name '" + g.name() + "' comes twice");
            }
            list.add(g);
        }
        return of(list);
    }
}

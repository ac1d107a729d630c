package io.palmreader.gesture;

import io.palmreader.vision.Gesture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A gesture a user taught by showing it, once or several times: its name and its recordings, oldest first. Teaching
 * the name again adds a recording (other people, the other hand, other distances and turns of the wrist), so that
 * the gesture covers how the pose varies; what is kept is shapes, not frames.
 *
 * @param name       1–32 ASCII letters, digits, spaces, {@code _} or {@code -}, not a built-in gesture's name
 * @param recordings 1 to {@value #MAX_RECORDINGS}, oldest first
 */
public record TaughtGesture(String name, List<Recording> recordings) {

    /** The most recordings a gesture may keep, whatever {@code gesture.maxRecordings} says. */
    public static final int MAX_RECORDINGS = 64;

    /** The longest name. */
    public static final int MAX_NAME_LENGTH = 32;

    /**
     * ASCII only: Unicode letters would let in names that look like a built-in one and are not ("Victory" spelt with a
     * Cyrillic o, a fullwidth "OK"), and the rule leaves out invisible and control characters as well.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9 _-]{1," + MAX_NAME_LENGTH + "}");

    /**
     * One showing of the pose: the means of its groups of alike examples' {@link HandShape#canonical} landmarks. One
     * pose can come out of the landmark model in more than one way (a hand found afresh and the same hand followed
     * from the frame before differ a little), so a recording keeps up to {@value #MAX_SHAPES} shapes.
     *
     * @param shapes   1 to {@value #MAX_SHAPES} of 21 × (x, y, z), canonical
     * @param samples  how many examples it was made from
     * @param canned   the canned gesture most of its examples read as ({@code None} for a pose that is none of them):
     *                 a hand that reads as another canned gesture takes this gesture's name only on a clear match
     * @param taughtAt when, in ms since the epoch
     */
    public record Recording(List<float[]> shapes, int samples, String canned, long taughtAt) {

        /** The most shapes one recording keeps. */
        public static final int MAX_SHAPES = 3;

        public Recording {
            if (shapes == null || shapes.isEmpty() || shapes.size() > MAX_SHAPES) {
                throw new IllegalArgumentException("a recording has 1 to " + MAX_SHAPES + " shapes");
            }
            List<float[]> copies = new ArrayList<>();
            for (float[] shape : shapes) {
                if (shape == null || shape.length != 3 * HandShape.POINTS) {
                    throw new IllegalArgumentException("a shape has 21 points (63 numbers)");
                }
                for (float v : shape) {
                    if (!Float.isFinite(v) || Math.abs(v) > 10) {
                        throw new IllegalArgumentException("a shape's numbers are finite and within 10 palm sizes");
                    }
                }
                copies.add(shape.clone());
            }
            if (samples < 1) {
                throw new IllegalArgumentException("a recording is made from at least one example");
            }
            Gesture.fromLabel(canned);
            shapes = List.copyOf(copies);
        }

        @Override
        public List<float[]> shapes() {
            return shapes.stream().map(float[]::clone).toList();
        }

        JsonObject toJson() {
            JsonArray list = new JsonArray();
            for (float[] shape : shapes) {
                JsonArray points = new JsonArray();
                for (float v : shape) {
                    points.add(Math.round(v * 10_000) / 10_000.0);
                }
                list.add(points);
            }
            return new JsonObject()
                    .put("shapes", list)
                    .put("samples", samples)
                    .put("canned", canned)
                    .put("taughtAt", taughtAt);
        }

        /**
         * @throws IllegalArgumentException for anything but a valid recording's fields
         */
        static Recording fromJson(JsonObject json) {
            try {
                JsonArray list = json.getJsonArray("shapes");
                if (list == null || list.isEmpty() || list.size() > MAX_SHAPES) {
                    throw new IllegalArgumentException("a recording has 1 to " + MAX_SHAPES + " shapes");
                }
                List<float[]> shapes = new ArrayList<>();
                for (int s = 0; s < list.size(); s++) {
                    JsonArray points = list.getJsonArray(s);
                    if (points == null || points.size() != 3 * HandShape.POINTS) {
                        throw new IllegalArgumentException("a shape has 21 points (63 numbers)");
                    }
                    float[] shape = new float[points.size()];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = ((Number) points.getValue(i)).floatValue();
                    }
                    shapes.add(shape);
                }
                return new Recording(
                        shapes,
                        json.getInteger("samples", 1),
                        json.getString("canned", Gesture.NONE.label()),
                        json.getLong("taughtAt", 0L));
            } catch (ClassCastException | NullPointerException e) {
                throw new IllegalArgumentException("not a recording: " + e.getMessage());
            }
        }
    }

    public TaughtGesture {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (recordings == null || recordings.isEmpty() || recordings.size() > MAX_RECORDINGS) {
            throw new IllegalArgumentException("a gesture has 1 to " + MAX_RECORDINGS + " recordings");
        }
        recordings = List.copyOf(recordings);
    }

    /** A gesture of one recording. */
    public static TaughtGesture of(String name, Recording recording) {
        return new TaughtGesture(name, List.of(recording));
    }

    /**
     * Why {@code name} cannot name a taught gesture, or null when it can: 1–32 ASCII letters, digits, spaces, {@code _}
     * or {@code -}, with something other than spaces, and no built-in gesture's name in any case.
     */
    public static String nameProblem(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.isBlank()) {
            return "a gesture's name is 1 to " + MAX_NAME_LENGTH
                    + " ASCII letters (A-Z, a-z), digits, spaces, '_' or '-'";
        }
        if (builtIn(name)) {
            return "'" + name + "' is a built-in gesture";
        }
        return null;
    }

    /** Whether {@code name} is a built-in gesture's, in any case: a clash, not a malformed name. */
    public static boolean builtIn(String name) {
        return name != null && GestureEvents.vocabulary().stream().anyMatch(b -> b.equalsIgnoreCase(name.strip()));
    }

    /** Examples over all its recordings. */
    public int samples() {
        return recordings.stream().mapToInt(Recording::samples).sum();
    }

    /** When it last changed: its newest recording's time. */
    public long taughtAt() {
        return recordings.get(recordings.size() - 1).taughtAt();
    }

    /**
     * With {@code more}'s recordings after its own, keeping the newest {@code maxRecordings}.
     *
     * @param maxRecordings 1 to {@value #MAX_RECORDINGS}
     */
    public TaughtGesture adding(TaughtGesture more, int maxRecordings) {
        List<Recording> all = new ArrayList<>(recordings);
        all.addAll(more.recordings);
        int keep = Math.min(maxRecordings, MAX_RECORDINGS);
        return new TaughtGesture(name, all.subList(Math.max(0, all.size() - keep), all.size()));
    }

    JsonObject toJson() {
        JsonArray list = new JsonArray();
        recordings.forEach(r -> list.add(r.toJson()));
        return new JsonObject().put("name", name).put("recordings", list);
    }

    /**
     * A gesture from {@link #toJson}, or from the single-recording form stored before recordings accumulated
     * ({@code shapes}, {@code samples}, {@code taughtAt} at the top level).
     *
     * @throws IllegalArgumentException for anything but a valid gesture's fields
     */
    static TaughtGesture fromJson(JsonObject json) {
        try {
            List<Recording> recordings = new ArrayList<>();
            if (json.containsKey("recordings")) {
                JsonArray list = json.getJsonArray("recordings");
                if (list == null || list.isEmpty() || list.size() > MAX_RECORDINGS) {
                    throw new IllegalArgumentException("a gesture has 1 to " + MAX_RECORDINGS + " recordings");
                }
                for (int i = 0; i < list.size(); i++) {
                    recordings.add(Recording.fromJson(list.getJsonObject(i)));
                }
            } else {
                recordings.add(Recording.fromJson(json));
            }
            return new TaughtGesture(json.getString("name"), recordings);
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not a taught gesture: " + e.getMessage());
        }
    }
}

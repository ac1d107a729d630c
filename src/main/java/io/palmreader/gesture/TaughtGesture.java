package io.palmreader.gesture;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A gesture a user taught by showing it: its name and its shapes, each the mean of a group of alike examples'
 * {@link HandShape#canonical} landmarks. One pose can come out of the landmark model in more than one way (a hand
 * found afresh and the same hand followed from the frame before differ a little), so a gesture keeps up to
 * {@value #MAX_SHAPES} shapes. What is kept is the shapes, not the frames: at most 189 numbers per gesture.
 *
 * @param name     1–32 ASCII letters, digits, spaces, {@code _} or {@code -}, not a built-in gesture's name
 * @param shapes   1 to {@value #MAX_SHAPES} of 21 × (x, y, z), canonical
 * @param samples  how many examples it was taught from
 * @param taughtAt when, in ms since the epoch
 */
public record TaughtGesture(String name, List<float[]> shapes, int samples, long taughtAt) {

    /** The most shapes one gesture keeps. */
    public static final int MAX_SHAPES = 3;

    /** The longest name. */
    public static final int MAX_NAME_LENGTH = 32;

    /**
     * ASCII only: Unicode letters would let in names that look like a built-in one and are not ("Victory" spelt with a
     * Cyrillic o, a fullwidth "OK"), and the rule leaves out invisible and control characters as well.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9 _-]{1," + MAX_NAME_LENGTH + "}");

    public TaughtGesture {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (shapes == null || shapes.isEmpty() || shapes.size() > MAX_SHAPES) {
            throw new IllegalArgumentException("a gesture has 1 to " + MAX_SHAPES + " shapes");
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
            throw new IllegalArgumentException("a gesture is taught from at least one example");
        }
        shapes = List.copyOf(copies);
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
                .put("name", name)
                .put("shapes", list)
                .put("samples", samples)
                .put("taughtAt", taughtAt);
    }

    /** @throws IllegalArgumentException for anything but a valid gesture's fields */
    static TaughtGesture fromJson(JsonObject json) {
        try {
            JsonArray list = json.getJsonArray("shapes");
            if (list == null || list.isEmpty() || list.size() > MAX_SHAPES) {
                throw new IllegalArgumentException("a gesture has 1 to " + MAX_SHAPES + " shapes");
            }
            List<float[]> shapes = new ArrayList<>();
            for (int s = 0; s < list.size(); s++) {
                JsonArray points = list.getJsonArray(s);
                if (points.size() != 3 * HandShape.POINTS) {
                    throw new IllegalArgumentException("a shape has 21 points (63 numbers)");
                }
                float[] shape = new float[points.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = ((Number) points.getValue(i)).floatValue();
                }
                shapes.add(shape);
            }
            return new TaughtGesture(
                    json.getString("name"), shapes, json.getInteger("samples", 1), json.getLong("taughtAt", 0L));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not a taught gesture: " + e.getMessage());
        }
    }
}

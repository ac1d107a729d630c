package io.palmreader.gesture;

import io.palmreader.vision.Gesture;
import io.palmreader.vision.Hand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's gestures over time: held poses (stable over {@code holdFrames} answers and {@code holdMs}) and
 * movements (swipes, wave) from the hands of each answer. Pure and per session: time comes from the caller.
 */
public final class GestureEvents {

    /** A gesture to announce: {@code kind} is {@code held} or {@code movement}. */
    public record Event(String name, String hand, long since, String kind) {}

    private final GestureStabilizer held;
    private final MotionGestures movements = new MotionGestures();

    public GestureEvents(int holdFrames, long holdMs) {
        this.held = new GestureStabilizer(holdFrames, holdMs);
    }

    /**
     * Feeds the hands of one answer at {@code nowMs}, with what each shows (a canned or taught gesture, in the same
     * order); returns what became a gesture just now.
     */
    public List<Event> observe(List<Hand> hands, List<HandGesture> gestures, long nowMs) {
        Map<String, String> byHand = new LinkedHashMap<>();
        Map<String, double[]> palmByHand = new LinkedHashMap<>();
        for (int i = 0; i < hands.size(); i++) {
            Hand h = hands.get(i);
            byHand.putIfAbsent(h.handedness().label(), gestures.get(i).name());
            palmByHand.putIfAbsent(h.handedness().label(), palmCentre(h));
        }
        List<Event> events = new ArrayList<>(1);
        for (GestureStabilizer.StableGesture g : held.observe(byHand, nowMs)) {
            events.add(new Event(g.gesture(), g.hand(), g.since(), "held"));
        }
        for (MotionGestures.Motion m : movements.observe(palmByHand, nowMs)) {
            events.add(new Event(m.name(), m.hand(), m.since(), "movement"));
        }
        return events;
    }

    /** The middle of the wrist and the four knuckles: steadier than any single landmark while fingers move. */
    private static double[] palmCentre(Hand h) {
        double x = 0;
        double y = 0;
        for (int i : new int[] {0, 5, 9, 13, 17}) {
            x += h.x(i);
            y += h.y(i);
        }
        return new double[] {x / 5, y / 5};
    }

    /** Every gesture a session can be told of: the classifier's poses, then the movements. */
    public static List<String> vocabulary() {
        List<String> names = new ArrayList<>();
        for (Gesture g : Gesture.values()) {
            names.add(g.label());
        }
        names.addAll(MotionGestures.NAMES);
        return List.copyOf(names);
    }
}

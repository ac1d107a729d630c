package io.palmreader.gesture;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns per-frame gestures into events: a gesture counts once it has been seen on the same hand in
 * {@code holdFrames} consecutive answers spanning at least {@code holdMs}; it is announced once, and again only
 * after the hand has shown something else. {@code None} is never announced. Pure and per session.
 */
public final class GestureStabilizer {

    /** A gesture that just became stable on a hand ({@code Left} or {@code Right}), held since {@code since} (ms). */
    public record StableGesture(String gesture, String hand, long since) {}

    private static final class Track {
        String gesture;
        int frames;
        long since;
        boolean announced;
    }

    private final int holdFrames;
    private final long holdMs;
    private final Map<String, Track> tracks = new HashMap<>();

    public GestureStabilizer(int holdFrames, long holdMs) {
        if (holdFrames < 1 || holdMs < 0) {
            throw new IllegalArgumentException(
                    "holdFrames must be >= 1 and holdMs >= 0, were " + holdFrames + ", " + holdMs);
        }
        this.holdFrames = holdFrames;
        this.holdMs = holdMs;
    }

    /**
     * Feeds one answer: the gesture per hand seen in it (hand → gesture label), at time {@code nowMs}. Hands not
     * seen start over.
     */
    public List<StableGesture> observe(Map<String, String> gestureByHand, long nowMs) {
        tracks.keySet().retainAll(gestureByHand.keySet());
        List<StableGesture> events = new ArrayList<>(1);
        for (Map.Entry<String, String> e : gestureByHand.entrySet()) {
            Track t = tracks.computeIfAbsent(e.getKey(), k -> new Track());
            if (!e.getValue().equals(t.gesture)) {
                t.gesture = e.getValue();
                t.frames = 0;
                t.since = nowMs;
                t.announced = false;
            }
            t.frames++;
            if (!t.announced && !"None".equals(t.gesture) && t.frames >= holdFrames && nowMs - t.since >= holdMs) {
                t.announced = true;
                events.add(new StableGesture(t.gesture, e.getKey(), t.since));
            }
        }
        return events;
    }
}

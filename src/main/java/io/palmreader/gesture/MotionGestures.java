package io.palmreader.gesture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Dynamic gestures from a hand's trajectory: swipes (left, right, up, down) and a wave. Positions are the palm
 * centre normalized to the frame (0..1, y down); directions are the image's, so a client that mirrors its preview
 * mirrors left and right too. Pure and per session: time comes from the caller.
 *
 * <ul>
 *   <li>Swipe: within {@value #SWIPE_WINDOW_MS} ms the palm travels at least {@value #SWIPE_DISTANCE} of the frame,
 *       mostly along one axis (at least twice the other), and keeps going that way.</li>
 *   <li>Wave: within {@value #WAVE_WINDOW_MS} ms the palm turns back horizontally at least {@value #WAVE_TURNS}
 *       times, each swing at least {@value #WAVE_SWING} of the frame, without travelling far vertically.</li>
 * </ul>
 * After an event the hand's history is cleared, so one movement gives one event.
 */
public final class MotionGestures {

    static final long SWIPE_WINDOW_MS = 500;
    static final double SWIPE_DISTANCE = 0.25;
    static final long WAVE_WINDOW_MS = 1500;
    static final int WAVE_TURNS = 3;
    static final double WAVE_SWING = 0.04;
    private static final double WAVE_MAX_VERTICAL = 0.15;

    /** Every movement this detector names. */
    public static final List<String> NAMES = List.of("Swipe_Left", "Swipe_Right", "Swipe_Up", "Swipe_Down", "Wave");

    /** A movement that just completed on a hand. */
    public record Motion(String name, String hand, long since) {}

    private record Point(long t, double x, double y) {}

    private final Map<String, Deque<Point>> tracks = new HashMap<>();

    /** Feeds one answer: palm centre per hand (hand → {x, y}) at {@code nowMs}. Hands not seen start over. */
    public List<Motion> observe(Map<String, double[]> palmByHand, long nowMs) {
        tracks.keySet().retainAll(palmByHand.keySet());
        List<Motion> events = new ArrayList<>(1);
        for (Map.Entry<String, double[]> e : palmByHand.entrySet()) {
            Deque<Point> track = tracks.computeIfAbsent(e.getKey(), k -> new ArrayDeque<>());
            track.addLast(new Point(nowMs, e.getValue()[0], e.getValue()[1]));
            while (nowMs - track.peekFirst().t() > WAVE_WINDOW_MS) {
                track.removeFirst();
            }
            Motion m = swipe(e.getKey(), track, nowMs);
            if (m == null) {
                m = wave(e.getKey(), track);
            }
            if (m != null) {
                events.add(m);
                track.clear();
            }
        }
        return events;
    }

    private static Motion swipe(String hand, Deque<Point> track, long nowMs) {
        Point last = track.peekLast();
        Iterator<Point> it = track.iterator();
        while (it.hasNext()) {
            Point start = it.next();
            if (nowMs - start.t() > SWIPE_WINDOW_MS) {
                continue;
            }
            double dx = last.x() - start.x();
            double dy = last.y() - start.y();
            boolean horizontal = Math.abs(dx) >= SWIPE_DISTANCE && Math.abs(dx) >= 2 * Math.abs(dy);
            boolean vertical = Math.abs(dy) >= SWIPE_DISTANCE && Math.abs(dy) >= 2 * Math.abs(dx);
            if ((horizontal || vertical) && monotonic(track, start, horizontal, horizontal ? dx : dy)) {
                String name =
                        horizontal ? (dx > 0 ? "Swipe_Right" : "Swipe_Left") : (dy > 0 ? "Swipe_Down" : "Swipe_Up");
                return new Motion(name, hand, start.t());
            }
            return null;
        }
        return null;
    }

    /** No step from {@code start} on goes back against the movement by more than a little jitter. */
    private static boolean monotonic(Deque<Point> track, Point start, boolean horizontal, double direction) {
        double jitter = 0.02;
        Point previous = null;
        for (Point p : track) {
            if (p.t() < start.t()) {
                continue;
            }
            if (previous != null) {
                double step = horizontal ? p.x() - previous.x() : p.y() - previous.y();
                if (Math.signum(step) != Math.signum(direction) && Math.abs(step) > jitter) {
                    return false;
                }
            }
            previous = p;
        }
        return true;
    }

    private static Motion wave(String hand, Deque<Point> track) {
        int turns = 0;
        double extreme = track.peekFirst().x();
        int direction = 0;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (Point p : track) {
            minY = Math.min(minY, p.y());
            maxY = Math.max(maxY, p.y());
            double swing = p.x() - extreme;
            if (direction == 0) {
                if (Math.abs(swing) >= WAVE_SWING) {
                    direction = (int) Math.signum(swing);
                    extreme = p.x();
                }
            } else if (Math.signum(swing) == direction) {
                extreme = p.x();
            } else if (Math.abs(swing) >= WAVE_SWING) {
                turns++;
                direction = -direction;
                extreme = p.x();
            }
        }
        if (turns >= WAVE_TURNS && maxY - minY <= WAVE_MAX_VERTICAL) {
            return new Motion("Wave", hand, track.peekFirst().t());
        }
        return null;
    }
}

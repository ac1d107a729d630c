package io.palmreader.gesture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gesture.MotionGestures.Motion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Swipes and waves from the palm's trajectory")
class MotionGesturesTest {

    /** Feeds a path sampled every {@code stepMs}; returns every event. */
    private static List<Motion> feed(MotionGestures g, double[][] path, long stepMs) {
        List<Motion> events = new ArrayList<>();
        for (int i = 0; i < path.length; i++) {
            events.addAll(g.observe(Map.of("Right", path[i]), 1000 + i * stepMs));
        }
        return events;
    }

    private static double[][] line(double x0, double y0, double x1, double y1, int n) {
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            double f = i / (double) (n - 1);
            p[i] = new double[] {x0 + f * (x1 - x0), y0 + f * (y1 - y0)};
        }
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "Swipe_Right, 0.2, 0.5, 0.7, 0.55",
        "Swipe_Left, 0.8, 0.5, 0.3, 0.45",
        "Swipe_Up, 0.5, 0.8, 0.52, 0.3",
        "Swipe_Down, 0.5, 0.2, 0.45, 0.7"
    })
    @DisplayName("a fast straight move across a quarter of the frame is one swipe in its direction")
    void swipes(String expected, double x0, double y0, double x1, double y1) {
        List<Motion> events = feed(new MotionGestures(), line(x0, y0, x1, y1, 10), 33);
        assertEquals(1, events.size(), events.toString());
        assertEquals(expected, events.get(0).name());
        assertEquals("Right", events.get(0).hand());
    }

    @Test
    @DisplayName("the same distance covered slowly, or a short move, is no swipe")
    void slowOrShortIsNothing() {
        assertTrue(feed(new MotionGestures(), line(0.2, 0.5, 0.7, 0.5, 40), 50).isEmpty(), "2 s across the frame");
        assertTrue(feed(new MotionGestures(), line(0.4, 0.5, 0.55, 0.5, 8), 33).isEmpty(), "15% of the frame");
    }

    @Test
    @DisplayName("a hand swinging side to side three times within a second and a half is a wave, once")
    void wave() {
        List<double[]> path = new ArrayList<>();
        for (int i = 0; i < 36; i++) {
            path.add(new double[] {0.5 + 0.06 * Math.sin(i * 2 * Math.PI / 12), 0.4 + 0.01 * Math.cos(i)});
        }
        List<Motion> events = feed(new MotionGestures(), path.toArray(new double[0][]), 33);
        assertEquals(1, events.size(), events.toString());
        assertEquals("Wave", events.get(0).name());
    }

    @Test
    @DisplayName("a still or jittering hand gives nothing")
    void stillHand() {
        List<double[]> path = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            path.add(new double[] {0.5 + 0.01 * Math.sin(i), 0.5 + 0.01 * Math.cos(i * 1.3)});
        }
        assertTrue(feed(new MotionGestures(), path.toArray(new double[0][]), 33).isEmpty());
    }
}

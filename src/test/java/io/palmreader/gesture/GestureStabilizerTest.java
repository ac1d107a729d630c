package io.palmreader.gesture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gesture.GestureStabilizer.StableGesture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Stable gestures: held for N answers and T ms, announced once per hold")
class GestureStabilizerTest {

    @Test
    @DisplayName("announced on the answer that completes both the frame count and the time, with when it began")
    void announcesOnceHeld() {
        GestureStabilizer s = new GestureStabilizer(3, 100);
        assertTrue(s.observe(Map.of("Left", "Victory"), 0).isEmpty());
        assertTrue(s.observe(Map.of("Left", "Victory"), 40).isEmpty());
        assertTrue(s.observe(Map.of("Left", "Victory"), 80).isEmpty(), "three frames but only 80 ms");
        assertEquals(List.of(new StableGesture("Victory", "Left", 0)), s.observe(Map.of("Left", "Victory"), 120));
        assertTrue(s.observe(Map.of("Left", "Victory"), 160).isEmpty(), "announced once");
    }

    @Test
    @DisplayName("a change restarts the count; None is never announced; each hand is followed separately")
    void changesAndHands() {
        GestureStabilizer s = new GestureStabilizer(2, 0);
        s.observe(Map.of("Left", "Victory"), 0);
        assertTrue(s.observe(Map.of("Left", "None"), 10).isEmpty());
        assertTrue(s.observe(Map.of("Left", "None"), 20).isEmpty());
        assertTrue(s.observe(Map.of("Left", "Victory", "Right", "Thumb_Up"), 30).isEmpty());
        List<StableGesture> both = s.observe(Map.of("Left", "Victory", "Right", "Thumb_Up"), 40);
        assertEquals(2, both.size());
    }

    @Test
    @DisplayName("a hand that disappears starts over when it comes back")
    void lostHandStartsOver() {
        GestureStabilizer s = new GestureStabilizer(2, 0);
        s.observe(Map.of("Right", "Open_Palm"), 0);
        s.observe(Map.of(), 10);
        assertTrue(s.observe(Map.of("Right", "Open_Palm"), 20).isEmpty());
        assertEquals(1, s.observe(Map.of("Right", "Open_Palm"), 30).size());
    }
}

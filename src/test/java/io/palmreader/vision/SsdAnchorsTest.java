package io.palmreader.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SSD anchors of the palm detector, laid out as MediaPipe's SsdAnchorsCalculator does")
class SsdAnchorsTest {

    private static final float EPS = 1e-6f;
    private final SsdAnchors anchors = SsdAnchors.palmDetector();

    @Test
    @DisplayName("2016 anchors: 24 × 24 cells × 2 at stride 8, then 12 × 12 cells × 6 at stride 16")
    void count() {
        assertEquals(24 * 24 * 2 + 12 * 12 * 6, anchors.size());
        assertEquals(2016, anchors.size());
    }

    @Test
    @DisplayName("stride-8 anchors sit at cell centres, two per cell, row by row")
    void strideEightPositions() {
        assertCentre(0, 0.5f / 24, 0.5f / 24);
        assertCentre(1, 0.5f / 24, 0.5f / 24);
        assertCentre(2, 1.5f / 24, 0.5f / 24);
        // The first anchor of the second row.
        assertCentre(24 * 2, 0.5f / 24, 1.5f / 24);
        assertCentre(1151, 23.5f / 24, 23.5f / 24);
    }

    @Test
    @DisplayName("the three stride-16 layers share one 12 × 12 map: six anchors per cell")
    void strideSixteenPositions() {
        for (int a = 0; a < 6; a++) {
            assertCentre(1152 + a, 0.5f / 12, 0.5f / 12);
        }
        assertCentre(1152 + 6, 1.5f / 12, 0.5f / 12);
        assertCentre(1152 + 12 * 6, 0.5f / 12, 1.5f / 12);
        assertCentre(2015, 11.5f / 12, 11.5f / 12);
    }

    @Test
    @DisplayName("a map that does not divide evenly rounds its size up")
    void unevenMap() {
        SsdAnchors odd = SsdAnchors.generate(100, 50, new int[] {16}, 1, 0.5f, 0.5f);
        assertEquals(7 * 4, odd.size());
        assertCentre(odd, 6, 6.5f / 7, 0.5f / 4);
    }

    private void assertCentre(int i, float x, float y) {
        assertCentre(anchors, i, x, y);
    }

    private static void assertCentre(SsdAnchors a, int i, float x, float y) {
        assertEquals(x, a.centerX(i), EPS, "x of anchor " + i);
        assertEquals(y, a.centerY(i), EPS, "y of anchor " + i);
    }
}

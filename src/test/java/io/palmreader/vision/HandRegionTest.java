package io.palmreader.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.vision.SyntheticHand.Finger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Hand region math: palm → region, landmarks → next region, crop ↔ frame maps, letterbox")
class HandRegionTest {

    private static final float EPS = 1e-3f;

    /** A palm box in frame pixels whose wrist → middle-MCP keypoints point along {@code (dx, dy)}. */
    private static PalmDetection palm(float cx, float cy, float w, float h, float dx, float dy) {
        float[] k = new float[2 * PalmDetection.KEYPOINTS];
        k[2 * PalmDetection.WRIST] = cx - dx;
        k[2 * PalmDetection.WRIST + 1] = cy - dy;
        k[2 * PalmDetection.MIDDLE_FINGER_MCP] = cx + dx;
        k[2 * PalmDetection.MIDDLE_FINGER_MCP + 1] = cy + dy;
        return new PalmDetection(0.9f, cx - w / 2, cy - h / 2, w, h, k);
    }

    @Test
    @DisplayName("an upright palm: no rotation, square of 2.6 × the long side, moved half a height towards the fingers")
    void uprightPalm() {
        HandRegion r = HandRegion.fromPalm(palm(300, 200, 80, 100, 0, -30));
        assertEquals(0, r.rotation(), EPS);
        assertEquals(260, r.width(), EPS);
        assertEquals(260, r.height(), EPS);
        assertEquals(300, r.centerX(), EPS);
        assertEquals(150, r.centerY(), EPS);
    }

    @Test
    @DisplayName("a palm pointing right: rotation +90°, and the shift follows the fingers to the right")
    void palmPointingRight() {
        HandRegion r = HandRegion.fromPalm(palm(300, 200, 100, 100, 30, 0));
        assertEquals(Math.PI / 2, r.rotation(), EPS);
        assertEquals(350, r.centerX(), EPS);
        assertEquals(200, r.centerY(), EPS);
    }

    @Test
    @DisplayName("a palm pointing down: rotation ±180°")
    void palmPointingDown() {
        HandRegion r = HandRegion.fromPalm(palm(300, 200, 100, 100, 0, 30));
        assertEquals(Math.PI, Math.abs(r.rotation()), EPS);
        assertEquals(250, r.centerY(), EPS);
    }

    @Test
    @DisplayName("angles are normalized to [-π, π)")
    void normalize() {
        assertEquals(-Math.PI, HandRegion.normalizeRadians(3 * Math.PI), 1e-9);
        assertEquals(0.5, HandRegion.normalizeRadians(0.5 + 4 * Math.PI), 1e-9);
        assertEquals(-0.5, HandRegion.normalizeRadians(-0.5 - 2 * Math.PI), 1e-9);
    }

    private static float[] openHand(double rotationDegrees, float scale, float offsetX, float offsetY) {
        Finger s = Finger.STRAIGHT;
        float[] p = SyntheticHand.build(new Finger[] {s, s, s, s}, new double[] {75, -45}, rotationDegrees);
        float[] out = new float[p.length];
        for (int i = 0; i < 21; i++) {
            out[3 * i] = p[3 * i] * scale + offsetX;
            out[3 * i + 1] = p[3 * i + 1] * scale + offsetY;
            out[3 * i + 2] = p[3 * i + 2] * scale;
        }
        return out;
    }

    @ParameterizedTest(name = "hand rotated {0}°")
    @ValueSource(ints = {0, 30, 90, -120, 180})
    @DisplayName("the tracking region turns with the hand and keeps its size")
    void trackingRegionFollowsRotation(int degrees) {
        HandRegion upright = HandRegion.fromLandmarks(openHand(0, 2, 400, 400), 3);
        HandRegion turned = HandRegion.fromLandmarks(openHand(degrees, 2, 400, 400), 3);
        assertEquals(
                0, HandRegion.normalizeRadians(turned.rotation() - upright.rotation() - Math.toRadians(degrees)), 1e-3);
        assertEquals(upright.width(), turned.width(), 0.5f);
        assertEquals(upright.height(), turned.height(), 0.5f);
    }

    @Test
    @DisplayName("the tracking region is a square twice the palm-and-knuckles extent, holding every landmark")
    void trackingRegionCoversTheHand() {
        float[] hand = openHand(20, 1.5f, 300, 350);
        HandRegion r = HandRegion.fromLandmarks(hand, 3);
        assertEquals(r.width(), r.height(), EPS);
        float[] m = LandmarkModel.cropToFrame(r);
        // Every landmark maps inside the 224 crop.
        double det = m[0] * m[4] - m[1] * m[3];
        for (int i = 0; i < 21; i++) {
            double x = hand[3 * i] - m[2];
            double y = hand[3 * i + 1] - m[5];
            double u = (m[4] * x - m[1] * y) / det;
            double v = (-m[3] * x + m[0] * y) / det;
            assertTrue(u > 0 && u < 224 && v > 0 && v < 224, "landmark " + i + " at crop " + u + ", " + v);
        }
    }

    @Test
    @DisplayName("the crop → frame map sends the crop's corners to the region's corners and its centre to the centre")
    void cropToFrameMatchesCorners() {
        HandRegion r = new HandRegion(320, 240, 200, 200, 0.7f);
        float[] m = LandmarkModel.cropToFrame(r);
        float[] c = r.corners();
        float[][] crop = {{0, 0}, {224, 0}, {224, 224}, {0, 224}};
        for (int i = 0; i < 4; i++) {
            assertEquals(c[2 * i], m[0] * crop[i][0] + m[1] * crop[i][1] + m[2], EPS, "corner " + i + " x");
            assertEquals(c[2 * i + 1], m[3] * crop[i][0] + m[4] * crop[i][1] + m[5], EPS, "corner " + i + " y");
        }
        assertEquals(320, m[0] * 112 + m[1] * 112 + m[2], EPS);
        assertEquals(240, m[3] * 112 + m[4] * 112 + m[5], EPS);
    }

    @Test
    @DisplayName("overlap is 1 for the same region and 0 for regions apart")
    void overlap() {
        HandRegion a = new HandRegion(100, 100, 50, 50, 0);
        assertEquals(1f, a.overlap(a), EPS);
        assertEquals(0f, a.overlap(new HandRegion(300, 100, 50, 50, 0)), EPS);
        assertEquals(1f / 3, a.overlap(new HandRegion(125, 100, 50, 50, 0)), EPS);
    }

    @Test
    @DisplayName("letterbox: a wide frame fills the input's width and is centred vertically")
    void letterbox() {
        float[] m = PalmDetector.letterboxTransform(1280, 720);
        float scale = 1280f / 192;
        assertEquals(scale, m[0], EPS);
        assertEquals(0, m[2], EPS);
        // Input row 192/2 is the frame's middle row.
        assertEquals(360, m[4] * 96 + m[5], EPS);
        // The frame's top edge sits (192 - 108) / 2 = 42 input pixels down.
        assertEquals(0, m[4] * 42 + m[5], EPS);
        float[] tall = PalmDetector.letterboxTransform(480, 640);
        assertEquals(640f / 192, tall[4], EPS);
        assertEquals(240, tall[0] * 96 + tall[2], EPS);
    }

    @Test
    @DisplayName("batched palm output is gathered back per frame, feature map by feature map")
    void frameSlice() {
        int frames = 3;
        int values = 2;
        float[] out = new float[frames * 2016 * values];
        // Value = frame * 10000 + anchor index within the frame, laid out as OpenCV returns it.
        int o = 0;
        int[][] maps = {{0, 1152}, {1152, 864}};
        for (int[] map : maps) {
            for (int f = 0; f < frames; f++) {
                for (int a = 0; a < map[1]; a++) {
                    for (int v = 0; v < values; v++) {
                        out[o++] = f * 10000 + map[0] + a;
                    }
                }
            }
        }
        float[] second = OpenCvEngine.frameSlice(out, frames, 1, values);
        for (int a = 0; a < 2016; a++) {
            assertEquals(10000 + a, second[a * values], 0, "anchor " + a);
        }
    }
}

package io.palmreader.cli;

import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.line;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import io.palmreader.vision.FrameResult;
import io.palmreader.vision.Hand;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Draws the 21-landmark skeleton and a gesture label for each hand onto a BGR image, in place. */
final class Annotator {

    /** MediaPipe's hand connections: thumb, index, middle, ring, pinky and the palm's outline. */
    static final int[][] CONNECTIONS = {
        {0, 1}, {1, 2}, {2, 3}, {3, 4}, {0, 5}, {5, 6}, {6, 7}, {7, 8}, {5, 9}, {9, 10}, {10, 11}, {11, 12}, {9, 13},
        {13, 14}, {14, 15}, {15, 16}, {13, 17}, {0, 17}, {17, 18}, {18, 19}, {19, 20}
    };

    private Annotator() {}

    static void draw(Mat bgr, FrameResult result) {
        int w = bgr.cols();
        int h = bgr.rows();
        int thickness = Math.max(1, Math.round(Math.max(w, h) / 400f));
        try (Scalar bone = new Scalar(255, 255, 255, 0);
                Scalar joint = new Scalar(48, 48, 255, 0);
                Scalar labelBackground = new Scalar(32, 32, 32, 0);
                Scalar labelText = new Scalar(255, 255, 255, 0)) {
            for (Hand hand : result.hands()) {
                for (int[] c : CONNECTIONS) {
                    try (Point a = point(hand, c[0], w, h);
                            Point b = point(hand, c[1], w, h)) {
                        line(bgr, a, b, bone, thickness, LINE_AA, 0);
                    }
                }
                for (int j = 0; j < Hand.LANDMARKS; j++) {
                    try (Point p = point(hand, j, w, h)) {
                        circle(bgr, p, thickness * 2 + 1, joint, -1, LINE_AA, 0);
                    }
                }
                drawLabel(bgr, hand, thickness, labelBackground, labelText);
            }
        }
    }

    private static void drawLabel(Mat bgr, Hand hand, int thickness, Scalar background, Scalar text) {
        String label = String.format(
                Locale.ROOT,
                "%s %.2f %s",
                hand.gesture().label(),
                hand.gestureScore(),
                hand.handedness().label());
        int w = bgr.cols();
        int h = bgr.rows();
        double minX = 1;
        double minY = 1;
        for (int j = 0; j < Hand.LANDMARKS; j++) {
            minX = Math.min(minX, hand.x(j));
            minY = Math.min(minY, hand.y(j));
        }
        double scale = 0.5 * thickness;
        int[] baseline = new int[1];
        try (Size size = getTextSize(label, FONT_HERSHEY_SIMPLEX, scale, thickness, baseline)) {
            int x = (int) Math.max(0, Math.min(w - size.width(), minX * w));
            int y = (int) Math.max(size.height() + 4, minY * h - 6);
            try (Point tl = new Point(x - 2, y - size.height() - 4);
                    Point br = new Point(x + size.width() + 2, y + baseline[0]);
                    Point origin = new Point(x, y)) {
                rectangle(bgr, tl, br, background, -1, LINE_AA, 0);
                putText(bgr, label, origin, FONT_HERSHEY_SIMPLEX, scale, text, thickness, LINE_AA, false);
            }
        }
    }

    private static Point point(Hand hand, int j, int w, int h) {
        return new Point(Math.round(hand.x(j) * w), Math.round(hand.y(j) * h));
    }
}

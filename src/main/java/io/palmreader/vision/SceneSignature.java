package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A frame reduced to an 8 × 8 grid of mean brightness: enough to tell a new scene from the next frame of the same
 * one. Tracking assumes each frame follows the last; a stream that cuts to an unrelated picture (a slide show of
 * photos, a switched camera) would otherwise carry regions that mean nothing there, keep a hand that happens to
 * sit under one, and miss a new hand until the next palm search. On a cut the stream starts over, as a frame seen
 * afresh. Not thread-safe: it reuses its small image.
 */
final class SceneSignature implements AutoCloseable {

    /** Cells per side. */
    static final int GRID = 8;

    /**
     * Mean brightness change per cell, in 8-bit levels, above which a frame is a new scene. Unrelated photos of the
     * test set differ by 24 or more; successive webcam frames, a hand moving in them included, by a few levels. A
     * change of lighting that crosses it costs one palm search.
     */
    static final int CUT_THRESHOLD = 20;

    private final Mat cells = new Mat(GRID, GRID, CV_8UC3);
    private final BytePointer cellData = cells.data();
    private final Size size = new Size(GRID, GRID);
    private final byte[] bgr = new byte[GRID * GRID * 3];

    /** The signature of {@code frame}: {@code GRID × GRID} brightness values, row by row. */
    byte[] of(Frame frame) {
        resize(frame.bgr(), cells, size, 0, 0, INTER_AREA);
        cellData.get(bgr);
        byte[] signature = new byte[GRID * GRID];
        for (int i = 0; i < signature.length; i++) {
            int b = bgr[3 * i] & 0xff;
            int g = bgr[3 * i + 1] & 0xff;
            int r = bgr[3 * i + 2] & 0xff;
            signature[i] = (byte) ((b + 2 * g + r + 2) / 4);
        }
        return signature;
    }

    /** Whether {@code next} shows another scene than {@code previous}; unknown signatures never differ. */
    static boolean isCut(byte[] previous, byte[] next) {
        if (previous.length != GRID * GRID || next.length != GRID * GRID) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < previous.length; i++) {
            sum += Math.abs((previous[i] & 0xff) - (next[i] & 0xff));
        }
        return sum > CUT_THRESHOLD * previous.length;
    }

    @Override
    public void close() {
        cells.close();
        size.close();
    }
}

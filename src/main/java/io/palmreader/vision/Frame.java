package io.palmreader.vision;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A decoded image as displayed (orientation applied): 8-bit BGR, owned by this object. Closing it releases
 * the native pixels; the caller that decoded a frame closes it.
 */
public final class Frame implements AutoCloseable {

    private final Mat bgr;

    /** Takes ownership of {@code bgr}, an 8-bit 3-channel BGR image. */
    public Frame(Mat bgr) {
        if (bgr.empty() || bgr.channels() != 3) {
            bgr.close();
            throw new IllegalArgumentException("a frame needs a non-empty 3-channel BGR image");
        }
        this.bgr = bgr;
    }

    public Mat bgr() {
        return bgr;
    }

    public int width() {
        return bgr.cols();
    }

    public int height() {
        return bgr.rows();
    }

    @Override
    public void close() {
        bgr.close();
    }
}

package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.WARP_INVERSE_MAP;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Cuts a network input out of a frame by an affine warp (bilinear), into an image this object owns and reuses:
 * after construction a warp allocates nothing, natively or on the heap. Not thread-safe.
 */
final class ImageWarp implements AutoCloseable {

    private final Size size;
    private final int border;
    private final Scalar zero = new Scalar(0.0);
    private final Mat matrix = new Mat(2, 3, CV_32F);
    private final FloatBuffer matrixValues = matrix.createBuffer();
    private final float[] shifted = new float[6];
    private final Mat output;

    /**
     * @param side   the output is {@code side × side} BGR
     * @param border OpenCV border mode outside the frame ({@code BORDER_CONSTANT} is zero)
     */
    ImageWarp(int side, int border) {
        this.size = new Size(side, side);
        this.border = border;
        this.output = new Mat(side, side, CV_8UC3);
    }

    /** Samples {@code frame} at {@code inputToFrame} (see {@link ModelEngine.ModelInput}); the result is valid until the next call. */
    Mat warp(Frame frame, float[] inputToFrame) {
        samplingMatrix(inputToFrame, shifted);
        matrixValues.position(0);
        matrixValues.put(shifted);
        warpAffine(frame.bgr(), output, matrix, size, INTER_LINEAR | WARP_INVERSE_MAP, border, zero);
        return output;
    }

    /**
     * The matrix for {@code warpAffine(..., WARP_INVERSE_MAP)} that samples the image at the points a continuous map
     * {@code m} (output → input, pixel i spanning [i, i+1)) gives for each output pixel's centre. OpenCV's warp indexes
     * pixels by their centres, so the map is conjugated by the half-pixel shift; without it every crop is off by half
     * an input pixel per unit of scale.
     */
    static void samplingMatrix(float[] m, float[] out) {
        System.arraycopy(m, 0, out, 0, 6);
        out[2] = m[2] + 0.5f * (m[0] + m[1]) - 0.5f;
        out[5] = m[5] + 0.5f * (m[3] + m[4]) - 0.5f;
    }

    @Override
    public void close() {
        output.close();
        matrix.close();
        zero.close();
        size.close();
    }
}

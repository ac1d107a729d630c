package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_CLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_core.rotate;
import static org.bytedeco.opencv.global.opencv_core.transpose;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import io.palmreader.vision.InvalidFrameException.Reason;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes JPEG and PNG bytes into a {@link Frame} as displayed.
 *
 * <p>Colour handling: grayscale is expanded to three channels and an alpha channel is dropped (the colour
 * under it is kept, as a browser uploading the image to a texture would). EXIF orientation (JPEG APP1 or
 * PNG eXIf) is applied here rather than by OpenCV so the rule is the same for both formats and is tested.
 * Thread-safe: holds no state besides the pixel limit.
 */
public final class FrameDecoder {

    /** Default largest accepted image, in pixels: above any camera, below a decompression bomb. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final long maxPixels;

    public FrameDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public FrameDecoder(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1, was " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /**
     * Decodes one encoded image.
     *
     * @throws InvalidFrameException if the bytes are not a complete, decodable JPEG/PNG within the pixel limit
     */
    public Frame decode(byte[] bytes) {
        FrameHeader header = FrameHeader.parse(bytes, maxPixels);
        Mat stored;
        try (BytePointer data = new BytePointer(bytes);
                Mat encoded = new Mat(1, bytes.length, CV_8UC1, data)) {
            stored = imdecode(encoded, IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION);
        } catch (RuntimeException e) {
            throw new InvalidFrameException(
                    Reason.CORRUPT, header.format() + " could not be decoded: " + e.getMessage(), e);
        }
        if (stored == null || stored.empty()) {
            if (stored != null) {
                stored.close();
            }
            throw new InvalidFrameException(
                    Reason.CORRUPT, header.format() + " data is corrupt: the decoder rejected it");
        }
        return new Frame(orient(stored, header.orientation()));
    }

    /** Applies an EXIF orientation, consuming {@code stored}; returns the image as it is meant to be displayed. */
    static Mat orient(Mat stored, int orientation) {
        if (orientation == 1) {
            return stored;
        }
        Mat out = new Mat();
        try (stored) {
            switch (orientation) {
                case 2 -> flip(stored, out, 1);
                case 3 -> rotate(stored, out, ROTATE_180);
                case 4 -> flip(stored, out, 0);
                case 5 -> transpose(stored, out);
                case 6 -> rotate(stored, out, ROTATE_90_CLOCKWISE);
                case 7 -> {
                    transpose(stored, out);
                    flip(out, out, -1);
                }
                case 8 -> rotate(stored, out, ROTATE_90_COUNTERCLOCKWISE);
                default -> stored.copyTo(out);
            }
        }
        return out;
    }
}

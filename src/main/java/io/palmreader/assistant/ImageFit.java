package io.palmreader.assistant;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.palmreader.vision.Frame;
import io.palmreader.vision.FrameDecoder;
import io.palmreader.vision.InvalidFrameException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Base64;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A frame as the LLM server gets it: decoded (its EXIF orientation applied), scaled down to at most
 * {@code assistant.maxImagePixels} with its aspect kept, and encoded again as JPEG, so that the data URL's
 * {@code image/jpeg} is true whatever the client sent and a large frame costs the model no more than it needs.
 * CPU work: the caller runs it off the event loop.
 */
final class ImageFit {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFit.class);
    private static final int JPEG_QUALITY = 90;

    private ImageFit() {}

    /** {@link #jpegBase64} on a worker thread, so that no event loop decodes or encodes; none without an image. */
    static Future<String> offLoop(Vertx vertx, String image, long maxPixels) {
        return image == null
                ? Future.succeededFuture()
                : vertx.executeBlocking(() -> jpegBase64(image, maxPixels), false);
    }

    /** The frame (base64 JPEG or PNG) as base64 JPEG of at most {@code maxPixels}; null when none or unreadable. */
    static String jpegBase64(String image, long maxPixels) {
        if (image == null) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(image);
        } catch (IllegalArgumentException e) {
            LOG.warn("assistant: the frame is not base64; the question goes without it");
            return null;
        }
        try (Frame frame = new FrameDecoder().decode(bytes)) {
            return Base64.getEncoder().encodeToString(jpeg(frame, maxPixels));
        } catch (InvalidFrameException e) {
            LOG.warn("assistant: the frame cannot be read ({}); the question goes without it", e.getMessage());
            return null;
        }
    }

    private static byte[] jpeg(Frame frame, long maxPixels) {
        long pixels = (long) frame.width() * frame.height();
        Mat scaled = frame.bgr();
        boolean resized = pixels > maxPixels;
        if (resized) {
            double scale = Math.sqrt((double) maxPixels / pixels);
            // Rounded down, so that the result never exceeds the limit.
            int width = Math.max(1, (int) Math.floor(frame.width() * scale));
            int height = Math.max(1, (int) Math.floor(frame.height() * scale));
            scaled = new Mat();
            try (Size size = new Size(width, height)) {
                resize(frame.bgr(), scaled, size, 0, 0, INTER_AREA);
            }
        }
        try (BytePointer out = new BytePointer();
                IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, JPEG_QUALITY)) {
            imencode(".jpg", scaled, out, params);
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        } finally {
            if (resized) {
                scaled.close();
            }
        }
    }
}

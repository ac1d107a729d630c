package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.io.ByteArrayOutputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Many-scan JPEGs built from real photos: the photo encoded progressive by libjpeg, with extra scans inserted just
 * before its end-of-image marker, behind bytes that a marker walk must read as libjpeg does to see them.
 */
public final class ManyScanJpegs {

    /** A scan of one component with one byte of data: each one makes a decoder go over the whole image again. */
    private static final byte[] SCAN = {(byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0, 0, 0, 0, 0x2A};

    private ManyScanJpegs() {}

    /** {@code photo} re-encoded as a progressive JPEG (libjpeg's standard script: ten scans for a colour image). */
    public static byte[] progressive(byte[] photo) {
        try (BytePointer data = new BytePointer(photo);
                Mat encoded = new Mat(1, photo.length, CV_8UC1, data);
                Mat image = imdecode(encoded, IMREAD_COLOR);
                IntPointer params = new IntPointer(IMWRITE_JPEG_PROGRESSIVE, 1);
                BytePointer out = new BytePointer()) {
            if (image.empty() || !imencode(".jpg", image, out, params)) {
                throw new IllegalStateException("could not re-encode the photo");
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    /** SOS markers in a JPEG libjpeg wrote, where a 0xFF outside a marker is always followed by a stuffed zero. */
    public static int scansIn(byte[] jpeg) {
        int scans = 0;
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == (byte) 0xDA) {
                scans++;
            }
        }
        return scans;
    }

    /** {@code jpeg} with {@code before}, then {@code scans} more scans, inserted before its end-of-image marker. */
    public static byte[] withScans(byte[] jpeg, byte[] before, int scans) {
        if (jpeg[jpeg.length - 2] != (byte) 0xFF || jpeg[jpeg.length - 1] != (byte) 0xD9) {
            throw new IllegalArgumentException("the JPEG does not end with its end-of-image marker");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, jpeg.length - 2);
        out.writeBytes(before);
        for (int i = 0; i < scans; i++) {
            out.writeBytes(SCAN);
        }
        out.write(0xFF);
        out.write(0xD9);
        return out.toByteArray();
    }

    /**
     * {@code scans} more scans behind {@code marker} (a TEM or restart marker, which has no length), preceded by
     * {@code lead} and followed by two bytes that, read as a segment length, would skip {@code gap} bytes of garbage
     * and all the scans, landing on the end-of-image marker.
     */
    public static byte[] behindLengthless(byte[] jpeg, byte[] lead, int marker, byte[] gap, int scans) {
        int length = 2 + gap.length + scans * SCAN.length;
        if (length > 0xFFFF || (length >> 8) == 0xFF || (length & 0xFF) == 0xFF) {
            throw new IllegalArgumentException(scans + " scans do not fit behind one marker");
        }
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        before.writeBytes(lead);
        before.write(0xFF);
        before.write(marker);
        before.write(length >> 8);
        before.write(length & 0xFF);
        before.writeBytes(gap);
        return withScans(jpeg, before.toByteArray(), scans);
    }

    /** {@code scans} more scans behind a TEM marker whose next two bytes, read as a length, would skip them. */
    public static byte[] behindTem(byte[] jpeg, int scans) {
        return behindLengthless(jpeg, new byte[0], 0x01, new byte[0], scans);
    }
}

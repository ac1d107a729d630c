package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.vision.InvalidFrameException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Frame decoding: JPEG and PNG, every channel layout, EXIF orientation, and typed errors")
class FrameDecoderTest {

    private static final int W = 64;
    private static final int H = 32;
    // Stored quadrants, BGR: top-left red, top-right green, bottom-left blue, bottom-right white.
    private static final int[] RED = {0, 0, 255};
    private static final int[] GREEN = {0, 255, 0};
    private static final int[] BLUE = {255, 0, 0};
    private static final int[] WHITE = {255, 255, 255};

    private final FrameDecoder decoder = new FrameDecoder();

    private static byte[] encode(Mat image, String ext) {
        try (BytePointer buf = new BytePointer()) {
            assertTrue(imencode(ext, image, buf));
            byte[] bytes = new byte[(int) buf.limit()];
            buf.get(bytes);
            return bytes;
        }
    }

    private static Mat quadrants() {
        Mat m = new Mat(H, W, CV_8UC3, new Scalar(0));
        fill(m, 0, 0, RED);
        fill(m, W / 2, 0, GREEN);
        fill(m, 0, H / 2, BLUE);
        fill(m, W / 2, H / 2, WHITE);
        return m;
    }

    private static byte[] encodedQuadrants(String ext) {
        try (Mat q = quadrants()) {
            return encode(q, ext);
        }
    }

    private static void fill(Mat m, int x, int y, int[] bgr) {
        try (Rect r = new Rect(x, y, W / 2, H / 2);
                Mat roi = m.apply(r)) {
            roi.put(new Scalar(bgr[0], bgr[1], bgr[2], 255));
        }
    }

    private static int[] pixel(Frame f, int x, int y) {
        BytePointer p = f.bgr().ptr(y, x);
        return new int[] {p.get(0) & 0xff, p.get(1) & 0xff, p.get(2) & 0xff};
    }

    private static void assertColour(int[] expected, int[] actual, String where) {
        for (int c = 0; c < 3; c++) {
            assertTrue(
                    Math.abs(expected[c] - actual[c]) < 40,
                    where + ": expected " + Arrays.toString(expected) + ", got " + Arrays.toString(actual));
        }
    }

    /** A big-endian TIFF block holding one IFD entry: Orientation. */
    private static byte[] exifWithOrientation(int orientation) {
        ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
        b.put("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        b.put(new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8});
        b.putShort((short) 1);
        b.putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) orientation)
                .putShort((short) 0);
        b.putInt(0);
        return b.array();
    }

    /** The JPEG with an APP1 Exif segment inserted right after SOI. */
    private static byte[] jpegWithOrientation(byte[] jpeg, int orientation) {
        byte[] exif = exifWithOrientation(orientation);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write((exif.length + 2) >> 8);
        out.write((exif.length + 2) & 0xff);
        out.write(exif, 0, exif.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** The PNG with an eXIf chunk (TIFF without the "Exif\0\0" prefix) inserted after IHDR. */
    private static byte[] pngWithOrientation(byte[] png, int orientation) {
        byte[] exif = Arrays.copyOfRange(exifWithOrientation(orientation), 6, 6 + 8 + 2 + 12 + 4);
        int afterIhdr = 8 + 4 + 4 + 13 + 4;
        ByteBuffer chunk = ByteBuffer.allocate(4 + 4 + exif.length + 4);
        chunk.putInt(exif.length)
                .put("eXIf".getBytes(StandardCharsets.ISO_8859_1))
                .put(exif);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + exif.length);
        chunk.putInt((int) crc.getValue());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterIhdr);
        out.write(chunk.array(), 0, chunk.capacity());
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "orientation {0}")
    @CsvSource({
        "1, RED, GREEN", "2, GREEN, RED", "3, WHITE, BLUE", "4, BLUE, WHITE",
        "5, RED, BLUE", "6, BLUE, RED", "7, WHITE, GREEN", "8, GREEN, WHITE"
    })
    @DisplayName("each of the eight EXIF orientations gives the image as displayed")
    void exifOrientations(int orientation, String topLeft, String topRight) {
        byte[] jpeg = jpegWithOrientation(encodedQuadrants(".jpg"), orientation);
        FrameHeader header = FrameHeader.parse(jpeg, FrameDecoder.DEFAULT_MAX_PIXELS);
        assertEquals(orientation, header.orientation());
        boolean swapped = orientation >= 5;
        try (Frame f = decoder.decode(jpeg)) {
            assertEquals(swapped ? H : W, f.width());
            assertEquals(swapped ? W : H, f.height());
            assertEquals(f.width(), header.displayWidth());
            assertEquals(f.height(), header.displayHeight());
            int qw = f.width() / 4;
            int qh = f.height() / 4;
            assertColour(colour(topLeft), pixel(f, qw, qh), "top-left");
            assertColour(colour(topRight), pixel(f, f.width() - qw, qh), "top-right");
        }
    }

    private static int[] colour(String name) {
        return switch (name) {
            case "RED" -> RED;
            case "GREEN" -> GREEN;
            case "BLUE" -> BLUE;
            default -> WHITE;
        };
    }

    @Test
    @DisplayName("PNG: an eXIf orientation is honoured too")
    void pngOrientation() {
        byte[] png = pngWithOrientation(encodedQuadrants(".png"), 6);
        try (Frame f = decoder.decode(png)) {
            assertEquals(H, f.width());
            assertEquals(W, f.height());
            assertArrayEquals(BLUE, pixel(f, 2, 2));
            assertArrayEquals(RED, pixel(f, H - 2, 2));
        }
    }

    @Test
    @DisplayName("RGBA and grayscale PNGs and grayscale JPEGs decode to three-channel frames")
    void channelLayouts() {
        try (Mat rgba = new Mat(H, W, CV_8UC4, new Scalar(10, 20, 30, 128));
                Mat gray = new Mat(H, W, CV_8UC1, new Scalar(77))) {
            try (Frame f = decoder.decode(encode(rgba, ".png"))) {
                assertEquals(3, f.bgr().channels());
                assertArrayEquals(new int[] {10, 20, 30}, pixel(f, 5, 5));
            }
            try (Frame f = decoder.decode(encode(gray, ".png"))) {
                assertEquals(3, f.bgr().channels());
                assertArrayEquals(new int[] {77, 77, 77}, pixel(f, 5, 5));
            }
            try (Frame f = decoder.decode(encode(gray, ".jpg"))) {
                assertEquals(3, f.bgr().channels());
                assertEquals(W, f.width());
            }
        }
    }

    private static Reason reasonFor(FrameDecoder d, byte[] bytes) {
        InvalidFrameException e =
                assertThrows(InvalidFrameException.class, () -> d.decode(bytes).close());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        return e.reason();
    }

    @Test
    @DisplayName("bytes that are neither JPEG nor PNG, or empty, are an unsupported format")
    void unsupported() {
        assertEquals(Reason.UNSUPPORTED_FORMAT, reasonFor(decoder, new byte[0]));
        assertEquals(Reason.UNSUPPORTED_FORMAT, reasonFor(decoder, "GIF89a...".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Reason.UNSUPPORTED_FORMAT, reasonFor(decoder, new byte[] {(byte) 0xFF}));
    }

    @Test
    @DisplayName("JPEG and PNG cut short anywhere are truncated (or corrupt), never a crash")
    void truncatedEverywhere() {
        byte[] jpeg = encodedQuadrants(".jpg");
        byte[] png = encodedQuadrants(".png");
        for (byte[] whole : new byte[][] {jpeg, png}) {
            for (int cut = 8; cut < whole.length; cut += Math.max(1, whole.length / 97)) {
                Reason r = reasonFor(decoder, Arrays.copyOf(whole, cut));
                assertTrue(r == Reason.TRUNCATED || r == Reason.CORRUPT, "cut at " + cut + ": " + r);
            }
        }
        assertEquals(Reason.TRUNCATED, reasonFor(decoder, Arrays.copyOf(jpeg, jpeg.length / 2)));
    }

    @Test
    @DisplayName("a broken marker structure or corrupt PNG data is refused as corrupt")
    void corrupt() {
        byte[] jpeg = encodedQuadrants(".jpg");
        byte[] png = encodedQuadrants(".png");
        byte[] badMarker = jpeg.clone();
        badMarker[2] = 0x12;
        assertEquals(Reason.CORRUPT, reasonFor(decoder, badMarker));
        byte[] badData = png.clone();
        for (int i = png.length / 2; i < png.length / 2 + 20; i++) {
            badData[i] ^= 0x5A;
        }
        assertEquals(Reason.CORRUPT, reasonFor(decoder, badData));
    }

    @Test
    @DisplayName("an image declaring more pixels than allowed is refused before decoding")
    void tooLarge() {
        byte[] jpeg = encodedQuadrants(".jpg");
        FrameDecoder small = new FrameDecoder(W * H - 1);
        assertEquals(Reason.TOO_LARGE, reasonFor(small, jpeg));
        try (Frame f = new FrameDecoder(W * H).decode(jpeg)) {
            assertEquals(W, f.width());
        }
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(0));
    }
}

package io.palmreader.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.vision.InvalidFrameException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("JPEG header: markers read as libjpeg reads them, so no scan escapes the count")
class FrameHeaderTest {

    private static final TestPhotos.Photo PHOTO = new TestPhotos.Photo("thumbs_up/mpsamples_hand_thumb_up.jpg", "");
    private static final byte[] BASELINE = PHOTO.bytes();
    private static final byte[] PROGRESSIVE = ManyScanJpegs.progressive(BASELINE);

    private static FrameHeader parse(byte[] jpeg) {
        return FrameHeader.parse(jpeg, FrameDecoder.DEFAULT_MAX_PIXELS);
    }

    private static InvalidFrameException refused(byte[] jpeg) {
        InvalidFrameException e = assertThrows(InvalidFrameException.class, () -> parse(jpeg));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        return e;
    }

    private static byte[] bytes(String hex) {
        String[] parts = hex.isBlank() ? new String[0] : hex.trim().split(" ");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }

    /** {@code jpeg} with {@code segment} inserted right after its SOI marker. */
    private static byte[] afterSoi(byte[] jpeg, byte[] segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(segment);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    @Test
    @DisplayName("every test photo, as it is and encoded progressive, parses with its size")
    void realPhotosParse() {
        assertEquals(1, ManyScanJpegs.scansIn(BASELINE));
        assertTrue(ManyScanJpegs.scansIn(PROGRESSIVE) > 1, "progressive");
        for (TestPhotos.Photo photo : TestPhotos.all()) {
            FrameHeader header = parse(photo.bytes());
            assertEquals(photo.width(), header.displayWidth(), photo.file());
            assertEquals(photo.height(), header.displayHeight(), photo.file());
            if (header.format() == ImageFormat.JPEG) {
                FrameHeader progressive = parse(ManyScanJpegs.progressive(photo.bytes()));
                assertEquals(header.displayWidth(), progressive.width(), photo.file());
                assertEquals(header.displayHeight(), progressive.height(), photo.file());
            }
        }
    }

    @Test
    @DisplayName("exactly 100 scans pass, 101 are refused as too large")
    void scanLimit() {
        int own = ManyScanJpegs.scansIn(PROGRESSIVE);
        FrameHeader header = parse(ManyScanJpegs.withScans(PROGRESSIVE, new byte[0], FrameHeader.MAX_JPEG_SCANS - own));
        assertEquals(PHOTO.width(), header.width());
        InvalidFrameException e =
                refused(ManyScanJpegs.withScans(PROGRESSIVE, new byte[0], FrameHeader.MAX_JPEG_SCANS + 1 - own));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("more than 100 scans"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a TEM marker                          |             | 01 |",
                "FF fill, then a TEM marker            | FF FF FF    | 01 |",
                "garbage between markers, then a TEM   | 12 34 56    | 01 |",
                "a TEM marker, then garbage            |             | 01 | 12 34 56 78 9A",
                "a restart marker, then a TEM marker   | FF D3       | 01 |",
                "a stuffed zero, then a TEM marker     | FF 00       | 01 |",
                "a restart marker                      |             | D5 |",
                "FF fill, then a restart marker        | FF FF       | D0 | 12 34"
            })
    @DisplayName(
            "300 scans behind a marker without a length, whose next bytes read as one would skip them, are counted")
    void scansBehindLengthlessMarkersAreCounted(String where, String lead, String marker, String gap) {
        byte[] jpeg = ManyScanJpegs.behindLengthless(
                PROGRESSIVE,
                bytes(lead == null ? "" : lead),
                Integer.parseInt(marker, 16),
                bytes(gap == null ? "" : gap),
                300);
        InvalidFrameException e = refused(jpeg);
        assertEquals(Reason.TOO_LARGE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("scans"), e.getMessage());
    }

    @ParameterizedTest(name = "marker 0x{0}")
    @CsvSource({"02", "BF", "C8", "DE", "DF", "F0", "FD"})
    @DisplayName("a marker libjpeg does not read is refused, in the headers and among the scans")
    void unknownMarkersAreRefused(String code) {
        byte[] segment = bytes("FF " + code + " 00 04 00 00");
        assertEquals(Reason.CORRUPT, refused(afterSoi(PROGRESSIVE, segment)).reason());
        assertEquals(
                Reason.CORRUPT,
                refused(ManyScanJpegs.withScans(PROGRESSIVE, segment, 0)).reason());
    }

    @Test
    @DisplayName("a second SOI, a second frame header or a scan header of the wrong length is refused as corrupt")
    void structureLibjpegRefusesIsRefused() {
        assertEquals(
                Reason.CORRUPT,
                refused(ManyScanJpegs.withScans(PROGRESSIVE, bytes("FF D8"), 300))
                        .reason());
        byte[] frameHeader = bytes("FF C2 00 11 08 00 10 00 10 03 01 22 00 02 11 01 03 11 01");
        assertEquals(
                Reason.CORRUPT,
                refused(ManyScanJpegs.withScans(PROGRESSIVE, frameHeader, 0)).reason());
        assertEquals(
                Reason.CORRUPT,
                refused(ManyScanJpegs.withScans(PROGRESSIVE, bytes("FF DA 00 0A 01 01 00 00 3F 00 2A 2A"), 0))
                        .reason());
    }

    @Test
    @DisplayName("a stuffed zero before the headers hides no frame header: its next bytes are no length")
    void stuffedZeroHidesNoFrameHeader() {
        byte[] huge = bytes("FF C0 00 11 08 75 30 75 30 03 01 22 00 02 11 01 03 11 01");
        ByteArrayOutputStream hidden = new ByteArrayOutputStream();
        hidden.writeBytes(bytes("FF 00 00 15"));
        hidden.writeBytes(huge);
        assertEquals(
                Reason.CORRUPT,
                refused(afterSoi(BASELINE, hidden.toByteArray())).reason());
    }

    @Test
    @DisplayName("a segment among the scans whose length runs past the end is truncated")
    void segmentPastTheEndIsTruncated() {
        assertEquals(
                Reason.TRUNCATED,
                refused(ManyScanJpegs.withScans(PROGRESSIVE, bytes("FF FE FF F0 00"), 0))
                        .reason());
        assertEquals(
                Reason.TRUNCATED,
                refused(Arrays.copyOf(PROGRESSIVE, PROGRESSIVE.length - 2)).reason());
    }
}

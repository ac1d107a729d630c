package io.palmreader.vision;

import io.palmreader.vision.InvalidFrameException.Reason;

/**
 * What a frame's bytes declare before any pixel is decoded: format, stored dimensions and EXIF orientation.
 *
 * <p>Parsing walks the container structure (JPEG markers, PNG chunks) in plain Java, so that truncated files,
 * broken structure and absurd dimensions are refused with a clear message before native code sees them.
 * Native decoders are forgiving: libjpeg fills a truncated scan with grey and reports success.
 *
 * @param format      JPEG or PNG
 * @param width       stored width in pixels (before orientation is applied)
 * @param height      stored height in pixels (before orientation is applied)
 * @param orientation EXIF orientation 1..8 (1 = as stored); 1 when absent or unreadable
 */
public record FrameHeader(ImageFormat format, int width, int height, int orientation) {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int EXIF_ORIENTATION_TAG = 0x0112;
    /**
     * Scans a JPEG may have. A progressive JPEG has about ten; each scan makes the decoder go over the whole image
     * again, so thousands of tiny scans make a small file cost seconds to decode.
     */
    public static final int MAX_JPEG_SCANS = 100;

    private static final int TEM = 0x01;
    private static final int RST0 = 0xd0;
    private static final int RST7 = 0xd7;
    private static final int SOI = 0xd8;
    private static final int EOI = 0xd9;
    private static final int SOS = 0xda;
    private static final int APP1 = 0xe1;

    /** Width as displayed: orientations 5 to 8 swap the axes. */
    public int displayWidth() {
        return orientation >= 5 ? height : width;
    }

    /** Height as displayed. */
    public int displayHeight() {
        return orientation >= 5 ? width : height;
    }

    /**
     * Reads the header of an encoded JPEG or PNG.
     *
     * @param bytes     the whole encoded image
     * @param maxPixels the largest width × height accepted
     * @throws InvalidFrameException if the bytes are not a complete JPEG/PNG or declare too many pixels
     */
    public static FrameHeader parse(byte[] bytes, long maxPixels) {
        if (bytes == null || bytes.length < 8) {
            throw new InvalidFrameException(
                    Reason.UNSUPPORTED_FORMAT,
                    "frame is " + (bytes == null ? 0 : bytes.length) + " bytes: too short to be a JPEG or PNG");
        }
        FrameHeader header;
        if ((bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8) {
            header = parseJpeg(bytes);
        } else if (startsWith(bytes, PNG_SIGNATURE)) {
            header = parsePng(bytes);
        } else {
            throw new InvalidFrameException(
                    Reason.UNSUPPORTED_FORMAT,
                    String.format(
                            "not a JPEG or PNG (first bytes %02x %02x %02x %02x)",
                            bytes[0] & 0xff, bytes[1] & 0xff, bytes[2] & 0xff, bytes[3] & 0xff));
        }
        if (header.width <= 0 || header.height <= 0) {
            throw new InvalidFrameException(
                    Reason.CORRUPT,
                    header.format + " declares an empty image (" + header.width + "x" + header.height + ")");
        }
        if ((long) header.width * header.height > maxPixels) {
            throw new InvalidFrameException(
                    Reason.TOO_LARGE,
                    String.format(
                            "%s declares %dx%d pixels, more than the limit of %d",
                            header.format, header.width, header.height, maxPixels));
        }
        return header;
    }

    /**
     * Walks the markers as libjpeg reads them, so that the scans counted are exactly the scans it will decode. Before
     * the first scan each segment must follow the last (0xFF fill aside). From the first scan on, libjpeg looks for
     * the next marker at every 0xFF, whatever lies between: entropy-coded data, or garbage it skips with a warning;
     * FF 00 is a stuffed zero, and TEM and the restart markers have no length, so the bytes after them are read the
     * same way. A marker libjpeg does not read (an unknown code, a second SOI or frame header, a scan header of the
     * wrong length) refuses the frame: past it, this walk and the decoder could disagree on where the scans are.
     */
    private static FrameHeader parseJpeg(byte[] b) {
        int pos = 2;
        int width = -1;
        int height = -1;
        int orientation = 1;
        int scans = 0;
        while (true) {
            if (scans > 0) {
                while (pos < b.length && b[pos] != (byte) 0xff) {
                    pos++;
                }
            }
            if (pos >= b.length) {
                throw truncated(
                        scans == 0
                                ? "JPEG ends before its image data"
                                : "JPEG image data is cut short (no end-of-image marker)");
            }
            if (b[pos] != (byte) 0xff) {
                throw new InvalidFrameException(Reason.CORRUPT, "JPEG marker expected at byte " + pos);
            }
            while (pos < b.length && b[pos] == (byte) 0xff) {
                pos++; // fill bytes
            }
            if (pos >= b.length) {
                throw truncated("JPEG ends inside a marker");
            }
            int marker = b[pos++] & 0xff;
            if (marker == 0x00 || marker == TEM || marker >= RST0 && marker <= RST7) {
                continue; // a stuffed zero, or a marker without a length
            }
            if (marker == EOI) {
                if (scans == 0) {
                    throw new InvalidFrameException(Reason.CORRUPT, "JPEG ends (EOI) before any image data");
                }
                return new FrameHeader(ImageFormat.JPEG, width, height, orientation);
            }
            if (!hasLength(marker)) {
                throw new InvalidFrameException(
                        Reason.CORRUPT,
                        marker == SOI
                                ? "JPEG has a second start-of-image marker"
                                : String.format(
                                        "JPEG has marker 0x%02x at byte %d, which decoders do not read",
                                        marker, pos - 1));
            }
            if (pos + 2 > b.length) {
                throw truncated("JPEG ends inside a segment length");
            }
            int length = u16be(b, pos);
            if (length < 2) {
                throw new InvalidFrameException(
                        Reason.CORRUPT,
                        "JPEG segment 0x" + Integer.toHexString(marker) + " has an impossible length " + length);
            }
            int segment = pos + 2;
            int end = pos + length;
            if (end > b.length) {
                throw truncated("JPEG ends inside segment 0x" + Integer.toHexString(marker));
            }
            if (isStartOfFrame(marker)) {
                if (width >= 0) {
                    throw new InvalidFrameException(Reason.CORRUPT, "JPEG has a second frame header");
                }
                if (length < 8) {
                    throw new InvalidFrameException(Reason.CORRUPT, "JPEG frame header is too short");
                }
                height = u16be(b, segment + 1);
                width = u16be(b, segment + 3);
            } else if (marker == APP1 && scans == 0 && length >= 8 && startsWith(b, segment, "Exif\0\0")) {
                orientation = exifTiffOrientation(b, segment + 6, end);
            } else if (marker == SOS) {
                if (width < 0) {
                    throw new InvalidFrameException(Reason.CORRUPT, "JPEG scan starts before the frame header");
                }
                // libjpeg reads the header field by field and refuses one whose length disagrees; so does this walk.
                int components = length > 2 ? b[segment] & 0xff : 0;
                if (length != 6 + 2 * components) {
                    throw new InvalidFrameException(
                            Reason.CORRUPT,
                            "JPEG scan header of " + length + " bytes for " + components + " components");
                }
                if (++scans > MAX_JPEG_SCANS) {
                    throw new InvalidFrameException(
                            Reason.TOO_LARGE, "JPEG has more than " + MAX_JPEG_SCANS + " scans");
                }
            }
            pos = end;
        }
    }

    /** SOFn (C8 is JPG, which libjpeg refuses), DHT, DAC, SOS, DQT, DNL, DRI, APPn and COM: a 2-byte length follows. */
    private static boolean hasLength(int marker) {
        return marker >= 0xc0 && marker <= 0xcf && marker != 0xc8
                || marker >= SOS && marker <= 0xdd
                || marker >= 0xe0 && marker <= 0xef
                || marker == 0xfe;
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    }

    private static FrameHeader parsePng(byte[] b) {
        int pos = PNG_SIGNATURE.length;
        int width = -1;
        int height = -1;
        int orientation = 1;
        boolean first = true;
        while (true) {
            if (pos + 8 > b.length) {
                throw truncated("PNG ends before its IEND chunk");
            }
            long length = u32be(b, pos);
            String type = new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (length > Integer.MAX_VALUE) {
                throw new InvalidFrameException(Reason.CORRUPT, "PNG chunk " + type + " declares " + length + " bytes");
            }
            int data = pos + 8;
            long next = data + length + 4; // + CRC
            if (next > b.length) {
                throw truncated("PNG ends inside chunk " + type);
            }
            if (first) {
                if (!type.equals("IHDR") || length != 13) {
                    throw new InvalidFrameException(Reason.CORRUPT, "PNG does not start with an IHDR chunk");
                }
                long w = u32be(b, data);
                long h = u32be(b, data + 4);
                width = (int) Math.min(w, Integer.MAX_VALUE);
                height = (int) Math.min(h, Integer.MAX_VALUE);
                first = false;
            } else if (type.equals("eXIf")) {
                orientation = exifTiffOrientation(b, data, (int) (data + length));
            } else if (type.equals("IEND")) {
                return new FrameHeader(ImageFormat.PNG, width, height, orientation);
            }
            pos = (int) next;
        }
    }

    /** Orientation from a TIFF-structured EXIF block; a malformed block is ignored, as browsers do. */
    private static int exifTiffOrientation(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return 1;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        long ifd = tiff + read32(b, tiff + 4, little);
        if (ifd + 2 > end) {
            return 1;
        }
        int entries = read16(b, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > end) {
                return 1;
            }
            if (read16(b, (int) entry, little) == EXIF_ORIENTATION_TAG) {
                int value = read16(b, (int) entry + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static InvalidFrameException truncated(String message) {
        return new InvalidFrameException(Reason.TRUNCATED, message);
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, int offset, String ascii) {
        if (offset + ascii.length() > b.length) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[offset + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int u16be(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static long u32be(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static int read16(byte[] b, int i, boolean little) {
        return little ? (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8) : u16be(b, i);
    }

    private static long read32(byte[] b, int i, boolean little) {
        return little
                ? (b[i] & 0xff)
                        | ((b[i + 1] & 0xff) << 8)
                        | ((b[i + 2] & 0xff) << 16)
                        | ((long) (b[i + 3] & 0xff) << 24)
                : u32be(b, i);
    }
}

package io.palmreader.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * A binary WebSocket message from the client: a 14-byte header then the encoded image.
 *
 * <pre>
 * byte 0      version (1)
 * byte 1      flags (0; reserved)
 * bytes 2–5   sequence number, uint32 big-endian
 * bytes 6–13  client capture time, int64 big-endian, ms since the epoch
 * bytes 14–   JPEG or PNG
 * </pre>
 *
 * @param sequence  the client's frame number, echoed in the answer
 * @param captureTs when the client captured the frame (its clock), echoed so it can measure glass-to-glass time
 * @param image     the encoded image
 */
public record ClientFrame(long sequence, long captureTs, Buffer image) {

    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 14;

    /**
     * Parses one binary message.
     *
     * @throws ProtocolException {@code invalid_frame} for a short message, an unknown version or unknown flags
     */
    public static ClientFrame parse(Buffer message) {
        if (message.length() < HEADER_BYTES + 1) {
            throw new ProtocolException(
                    ErrorCode.INVALID_FRAME,
                    "a frame is a " + HEADER_BYTES + "-byte header followed by an image; got " + message.length()
                            + " bytes");
        }
        int version = message.getUnsignedByte(0);
        if (version != VERSION) {
            throw new ProtocolException(
                    ErrorCode.INVALID_FRAME,
                    "frame header version " + version + " is not supported (expected " + VERSION + ")");
        }
        int flags = message.getUnsignedByte(1);
        if (flags != 0) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "frame header flags must be 0, were " + flags);
        }
        return new ClientFrame(
                message.getUnsignedInt(2), message.getLong(6), message.slice(HEADER_BYTES, message.length()));
    }

    /** The wire form, as a client sends it. */
    public static Buffer encode(long sequence, long captureTs, byte[] image) {
        return Buffer.buffer(HEADER_BYTES + image.length)
                .appendUnsignedByte((short) VERSION)
                .appendUnsignedByte((short) 0)
                .appendUnsignedInt(sequence)
                .appendLong(captureTs)
                .appendBytes(image);
    }
}

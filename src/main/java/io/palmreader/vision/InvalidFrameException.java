package io.palmreader.vision;

/**
 * Thrown when frame bytes cannot become an image: not a JPEG or PNG, truncated, corrupt, or larger than
 * allowed. The message says what is wrong in words a client can be shown; {@link #reason()} is a stable
 * machine-readable cause.
 */
public final class InvalidFrameException extends FrameException {

    /** Why a frame was refused. */
    public enum Reason {
        /** Neither a JPEG nor a PNG signature. */
        UNSUPPORTED_FORMAT,
        /** The bytes end before the image does. */
        TRUNCATED,
        /** The structure is broken or the codec rejected the data. */
        CORRUPT,
        /** The declared dimensions exceed the configured pixel limit (decompression bomb guard). */
        TOO_LARGE
    }

    private final Reason reason;

    public InvalidFrameException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public InvalidFrameException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

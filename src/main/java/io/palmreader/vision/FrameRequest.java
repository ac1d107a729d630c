package io.palmreader.vision;

/**
 * One frame for {@link HandPipeline#process}: the stream's tracking state (or {@link TrackingState#NONE}) and either
 * the encoded bytes, or the outcome of decoding them ahead of time on another thread ({@link #decoded}).
 */
public record FrameRequest(byte[] encoded, TrackingState tracking, DecodedFrame decoded) {

    public FrameRequest {
        tracking = tracking == null ? TrackingState.NONE : tracking;
        if ((encoded == null) == (decoded == null)) {
            throw new IllegalArgumentException("a frame request carries either encoded bytes or a decoded frame");
        }
    }

    public FrameRequest(byte[] encoded, TrackingState tracking) {
        this(encoded, tracking, null);
    }

    /** A frame decoded ahead of time; the pipeline takes ownership of its pixels. */
    public static FrameRequest decoded(DecodedFrame decoded, TrackingState tracking) {
        return new FrameRequest(null, tracking, decoded);
    }
}

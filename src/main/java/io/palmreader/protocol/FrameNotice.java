package io.palmreader.protocol;

/**
 * What a client is told about a frame that gets no {@code hands}: an {@code error} with {@code code} when there is
 * something to explain (the first time), else a {@code dropped} notice naming the reason.
 *
 * @param seq          the frame's sequence number, or -1 when it could not be read
 * @param reason       the drop reason's wire name
 * @param code         the error to tell, or null for a {@code dropped} notice
 * @param message      the error's text
 * @param retryAfterMs for a rate limit: when to try again, else 0
 */
public record FrameNotice(long seq, String reason, ErrorCode code, String message, long retryAfterMs) {

    /** A {@code dropped} notice only. */
    public static FrameNotice dropped(long seq, String reason) {
        return new FrameNotice(seq, reason, null, null, 0);
    }
}

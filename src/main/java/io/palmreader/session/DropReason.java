package io.palmreader.session;

import io.palmreader.observability.MetricTag;
import io.palmreader.protocol.ErrorCode;

/**
 * Why a frame gets no {@code hands} answer, as {@code dropped} notices and {@code palmreader_frames_dropped_total} name
 * it, with the {@code error} code a client is told the first time where there is something to explain (the one
 * mapping from a drop to its code).
 */
public enum DropReason implements MetricTag {
    /** A newer frame replaced it while it waited for a slot. */
    SUPERSEDED("superseded", null),
    /** Over the session's (or its address's) frame rate. */
    RATE_LIMITED("rate_limited", ErrorCode.RATE_LIMITED),
    /** Bigger than the frame size limit. */
    FRAME_TOO_LARGE("frame_too_large", ErrorCode.FRAME_TOO_LARGE),
    /** Not a frame, or not an image. */
    INVALID_FRAME("invalid_frame", ErrorCode.INVALID_FRAME),
    /** No inference worker answered in time: none running, or a node gone. */
    OVER_CAPACITY("over_capacity", ErrorCode.OVER_CAPACITY),
    /** The workers were all taken: refused at once rather than answered late. */
    WORKER_BUSY("worker_busy", null),
    /** The node's gateways already hold {@code session.frameMemoryMb} of frames for inference. */
    FRAME_MEMORY("frame_memory", null),
    /** Answered, but the client's socket was backed up: the next answer supersedes it. */
    CLIENT_SLOW("client_slow", null),
    /** Inference failed on it. */
    INTERNAL("internal", ErrorCode.INTERNAL),
    /** It was waiting when the session closed. */
    SESSION_CLOSED("session_closed", null),
    /** It came while the node was stopping. */
    SHUTTING_DOWN("shutting_down", null);

    private final String wire;
    private final ErrorCode code;

    DropReason(String wire, ErrorCode code) {
        this.wire = wire;
        this.code = code;
    }

    @Override
    public String tag() {
        return wire;
    }

    /** The error a client is told about such a frame, or null where a {@code dropped} notice says all there is. */
    public ErrorCode code() {
        return code;
    }

    /** The drop that goes with a frame refused with {@code code} by a worker (not an image, too large, failed). */
    public static DropReason of(ErrorCode code) {
        for (DropReason reason : values()) {
            if (code != null && reason.code == code) {
                return reason;
            }
        }
        return INTERNAL;
    }
}

package io.palmreader.protocol;

/** The machine-readable codes of the {@code error} message; see docs/protocol.md. */
public enum ErrorCode {
    /** The frame's bytes are not a decodable JPEG or PNG, or its binary header is malformed. */
    INVALID_FRAME("invalid_frame"),
    /** The frame is bigger than the session's frame size limit. */
    FRAME_TOO_LARGE("frame_too_large"),
    /** A text message that is not JSON, has no known {@code type}, or has bad fields. */
    BAD_MESSAGE("bad_message"),
    /** Frames arrive faster than the session's frame-rate limit. */
    RATE_LIMITED("rate_limited"),
    /** No inference capacity answered in time, or none is deployed. */
    OVER_CAPACITY("over_capacity"),
    /** A failure on the server's side. */
    INTERNAL("internal"),
    /** The LLM server cannot be reached, or the breaker has paused calls to it after repeated failures. */
    ASSISTANT_UNAVAILABLE("assistant_unavailable"),
    /** The LLM server stayed busy (503) through every retry. */
    ASSISTANT_BUSY("assistant_busy"),
    /** The LLM server reported an error, possibly after part of the answer (kept in {@code partial}). */
    ASSISTANT_ERROR("assistant_error"),
    /** The LLM server refused the assistant's credentials (401 or 403). */
    ASSISTANT_UNAUTHORIZED("assistant_unauthorized"),
    /** The configured model is not installed on the LLM server. */
    MODEL_NOT_FOUND("model_not_found"),
    /** A gesture could not be taught: too few single-hand frames in time, examples that disagree, a bad name, a limit. */
    TEACH_FAILED("teach_failed");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as it appears on the wire. */
    public String wire() {
        return wire;
    }
}

package io.palmreader.assistant;

import io.palmreader.protocol.ErrorCode;

/** Why an answer failed, as the client will be told; {@code partial} is what had streamed before. */
final class AssistantFailure extends RuntimeException {

    private final ErrorCode code;
    private final boolean countsAgainstBreaker;
    private final long retryAfterMs;

    AssistantFailure(ErrorCode code, String message, boolean countsAgainstBreaker) {
        this(code, message, countsAgainstBreaker, 0);
    }

    /** @param retryAfterMs how long the server asked to be left alone before a retry (0: not said) */
    AssistantFailure(ErrorCode code, String message, boolean countsAgainstBreaker, long retryAfterMs) {
        super(message);
        this.code = code;
        this.countsAgainstBreaker = countsAgainstBreaker;
        this.retryAfterMs = retryAfterMs;
    }

    long retryAfterMs() {
        return retryAfterMs;
    }

    ErrorCode code() {
        return code;
    }

    /** Whether Ollama itself looks unwell (unreachable, busy, failing), as opposed to a bad request. */
    boolean countsAgainstBreaker() {
        return countsAgainstBreaker;
    }
}

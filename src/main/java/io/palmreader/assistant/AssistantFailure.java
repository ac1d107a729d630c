package io.palmreader.assistant;

import io.palmreader.protocol.ErrorCode;

/** Why an answer failed, as the client will be told; {@code partial} is what had streamed before. */
final class AssistantFailure extends RuntimeException {

    private final ErrorCode code;
    private final boolean countsAgainstBreaker;

    AssistantFailure(ErrorCode code, String message, boolean countsAgainstBreaker) {
        super(message);
        this.code = code;
        this.countsAgainstBreaker = countsAgainstBreaker;
    }

    ErrorCode code() {
        return code;
    }

    /** Whether Ollama itself looks unwell (unreachable, busy, failing), as opposed to a bad request. */
    boolean countsAgainstBreaker() {
        return countsAgainstBreaker;
    }
}

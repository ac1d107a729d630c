package io.palmreader.assistant;

/**
 * How an answer ended. Its wire name is the {@code ending} of the answer's last {@code ai} message (the session's
 * client sees {@code stopped: true} or {@code truncated: true}) and the {@code outcome} of its event log record, where
 * a failed answer is recorded under its error code instead.
 */
public enum AnswerEnding {
    /** Ollama finished the answer. */
    COMPLETED("completed"),
    /** The answer came from the cache; Ollama was not asked. */
    CACHED("cached"),
    /** The session stopped it: {@code stop}, a new trigger, or the session's end. */
    STOPPED("stopped"),
    /** It reached {@code assistant.maxAnswerChars}, was cut there, and Ollama was stopped. */
    TRUNCATED("truncated"),
    /** It failed; the session gets an {@code ai_error} instead of a last {@code ai}. */
    FAILED("failed");

    private final String wire;

    AnswerEnding(String wire) {
        this.wire = wire;
    }

    /** The ending as it travels and is recorded. */
    public String wire() {
        return wire;
    }

    /** The ending named {@code wire}; an unknown name is refused, as an unknown event is. */
    public static AnswerEnding fromWire(String wire) {
        for (AnswerEnding ending : values()) {
            if (ending.wire.equals(wire)) {
                return ending;
            }
        }
        throw new IllegalArgumentException("not an answer ending: " + wire);
    }
}

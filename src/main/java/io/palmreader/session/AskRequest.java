package io.palmreader.session;

import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ProtocolException;

/** An {@code ask} message's question, checked. */
public final class AskRequest {

    /** Longest question, characters. */
    public static final int MAX_QUESTION_CHARS = 2000;

    private AskRequest() {}

    /**
     * The question in an {@code ask}'s {@code text}.
     *
     * @param assistantOn whether the session has the assistant on
     * @throws ProtocolException {@code bad_message} for a missing, empty or too long text, or the assistant off
     */
    public static String question(Object text, boolean assistantOn) {
        if (!(text instanceof String question) || question.isBlank() || question.length() > MAX_QUESTION_CHARS) {
            throw new ProtocolException(
                    ErrorCode.BAD_MESSAGE, "ask needs a 'text' of 1 to " + MAX_QUESTION_CHARS + " characters");
        }
        if (!assistantOn) {
            throw new ProtocolException(
                    ErrorCode.BAD_MESSAGE,
                    "the assistant is off for this session (hello with "
                            + "\"assistant\": true turns it on where the node allows it)");
        }
        return question;
    }
}

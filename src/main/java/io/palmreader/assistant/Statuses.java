package io.palmreader.assistant;

import io.palmreader.protocol.ErrorCode;
import java.util.List;
import java.util.function.Function;

/** What the protocols share: error statuses as the codes clients know, and pieces of text taken from a chunk. */
final class Statuses {

    /** The longest {@code Retry-After} honoured; a longer one is waited for by the breaker's own back-off instead. */
    static final long MAX_RETRY_AFTER_MS = 10_000;

    private Statuses() {}

    /**
     * A status that is not about the model: credentials refused, busy (with the server's {@code Retry-After}, in
     * seconds, for the retry), or another failure, which counts against the breaker when the server is at fault.
     */
    static AssistantFailure failure(String server, int status, String error, String retryAfter) {
        if (status == 401 || status == 403) {
            // The server's text may quote part of the key: the log gets the status only.
            return new AssistantFailure(
                    ErrorCode.ASSISTANT_UNAUTHORIZED,
                    server + " refused the assistant's credentials (" + status + ")",
                    false);
        }
        if (status == 429 || status == 503) {
            return new AssistantFailure(
                    ErrorCode.ASSISTANT_BUSY,
                    server + " is busy (" + status + "): " + error,
                    true,
                    retryAfterMs(retryAfter));
        }
        return new AssistantFailure(
                ErrorCode.ASSISTANT_ERROR, server + " answered " + status + ": " + error, status >= 500);
    }

    /** {@code Retry-After} in whole seconds, as milliseconds; 0 when absent or a date (the back-off applies then). */
    static long retryAfterMs(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim()) * 1000);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Adds {@code value} as a part when it is text that is not empty. */
    static void text(Object value, Function<String, ChatProtocol.Part> part, List<ChatProtocol.Part> parts) {
        if (value instanceof String s && !s.isEmpty()) {
            parts.add(part.apply(s));
        }
    }
}

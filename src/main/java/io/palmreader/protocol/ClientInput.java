package io.palmreader.protocol;

/**
 * What of a client's own input a server message may repeat back: at most {@link #MAX_ECHO_CHARS} characters of it.
 * An error that quoted a whole 16 KiB field would let a client that stops reading make each of its small messages
 * cost the server kilobytes of backlog; a short quote still says which value was refused.
 */
public final class ClientInput {

    /** The most characters of a client's value any server message repeats. */
    public static final int MAX_ECHO_CHARS = 64;

    private ClientInput() {}

    /** {@code value} as text, cut to {@link #MAX_ECHO_CHARS} characters ("…" marks a cut). */
    public static String echo(Object value) {
        String text = String.valueOf(value);
        if (text.length() <= MAX_ECHO_CHARS) {
            return text;
        }
        int end = MAX_ECHO_CHARS - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never half a character
        }
        return text.substring(0, end) + "…";
    }
}

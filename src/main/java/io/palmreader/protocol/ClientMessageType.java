package io.palmreader.protocol;

import java.util.Locale;

/** The {@code type} of a client's text message (docs/protocol.md, Client → server). */
public enum ClientMessageType {
    /** Session settings, a resume, a fresh token. */
    HELLO,
    /** The same as {@code hello}. */
    CONFIG,
    PING,
    /** A question for the assistant. */
    ASK,
    /** Stops the answer in progress. */
    STOP,
    /** Teaches a gesture from the next answers. */
    TEACH,
    /** Forgets a taught gesture. */
    FORGET;

    /** The type as it appears on the wire. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The type a message's {@code type} field names.
     *
     * @throws ProtocolException {@code bad_message} for a field that is not a string or names no type
     */
    public static ClientMessageType of(Object type) {
        if (!(type instanceof String name) || name.isEmpty()) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "a text message needs a string 'type'");
        }
        for (ClientMessageType t : values()) {
            if (t.wire().equals(name)) {
                return t;
            }
        }
        throw new ProtocolException(ErrorCode.BAD_MESSAGE, "unknown message type '" + ClientInput.echo(name) + "'");
    }
}

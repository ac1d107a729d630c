package io.palmreader.gateway;

import io.palmreader.observability.MetricTag;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ProtocolException;
import java.util.Locale;

/**
 * Why a message was refused without a frame being dropped, as {@code palmreader_messages_refused_total} counts it,
 * with what the client gets: an {@code error} of its code and text, or, past what the socket takes, a close. The one
 * mapping from such a refusal to the wire.
 */
enum MessageRefusal implements MetricTag {
    /** Over {@code session.maxTextBytes} (the limit fills in the text). */
    TEXT_TOO_LARGE("text_too_large", ErrorCode.BAD_MESSAGE, "text messages are limited to %d bytes"),
    /** Over {@code session.maxTextPerSecond} (the limit fills in the text). */
    TEXT_RATE("text_rate", ErrorCode.RATE_LIMITED, "more than %d text messages per second"),
    /** Not a JSON object. */
    BAD_MESSAGE("bad_message", ErrorCode.BAD_MESSAGE, "text messages must be JSON objects"),
    /** Past what the socket reads at all (four times the frame limit): closed 1009 (the frame limit fills in the text). */
    TOO_LARGE_FOR_SOCKET("too_large_for_socket", null, "message too large: frames up to %d bytes");

    /** The close status of {@link #TOO_LARGE_FOR_SOCKET}: message too big. */
    static final short TOO_LARGE_STATUS = 1009;

    private final String tag;
    private final ErrorCode code;
    private final String text;

    MessageRefusal(String tag, ErrorCode code, String text) {
        this.tag = tag;
        this.code = code;
        this.text = text;
    }

    @Override
    public String tag() {
        return tag;
    }

    /** What the client is told, with the limit that was passed. */
    String text(Object... limit) {
        return String.format(Locale.ROOT, text, limit);
    }

    /** The refusal as an {@code error} for the client (not for {@link #TOO_LARGE_FOR_SOCKET}, which closes). */
    ProtocolException toError(Object... limit) {
        return new ProtocolException(code, text(limit));
    }
}

package io.palmreader.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A text message's type: one of the documented ones, or bad_message saying what is wrong")
class ClientMessageTypeTest {

    @Test
    @DisplayName("each type by its wire name; a missing, non-string or unknown type is bad_message, quoted short")
    void types() {
        for (ClientMessageType t : ClientMessageType.values()) {
            assertEquals(t, ClientMessageType.of(t.wire()));
        }
        assertEquals(
                "a text message needs a string 'type'",
                assertThrows(ProtocolException.class, () -> ClientMessageType.of(null))
                        .getMessage());
        assertEquals(
                "a text message needs a string 'type'",
                assertThrows(ProtocolException.class, () -> ClientMessageType.of(7))
                        .getMessage());
        ProtocolException unknown =
                assertThrows(ProtocolException.class, () -> ClientMessageType.of("HELLO" + "x".repeat(99)));
        assertEquals(ErrorCode.BAD_MESSAGE, unknown.code());
        assertEquals("unknown message type '" + ClientInput.echo("HELLO" + "x".repeat(99)) + "'", unknown.getMessage());
    }
}

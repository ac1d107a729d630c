package io.palmreader.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The binary frame header: version, flags, uint32 sequence, int64 capture time, image")
class ClientFrameTest {

    @Test
    @DisplayName("what encode writes, parse reads back, including sequence numbers above 2^31")
    void roundTrip() {
        byte[] image = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3};
        Buffer wire = ClientFrame.encode(4_000_000_000L, 1_795_000_000_123L, image);
        assertEquals(ClientFrame.HEADER_BYTES + image.length, wire.length());
        assertEquals(1, wire.getByte(0));
        ClientFrame f = ClientFrame.parse(wire);
        assertEquals(4_000_000_000L, f.sequence());
        assertEquals(1_795_000_000_123L, f.captureTs());
        assertArrayEquals(image, f.image().getBytes());
    }

    @Test
    @DisplayName("short messages, other versions and unknown flags are invalid_frame with a reason")
    void refusals() {
        assertEquals(
                ErrorCode.INVALID_FRAME,
                assertThrows(ProtocolException.class, () -> ClientFrame.parse(Buffer.buffer(new byte[14])))
                        .code());
        Buffer v2 = ClientFrame.encode(1, 1, new byte[] {1});
        v2.setByte(0, (byte) 2);
        assertEquals(
                "frame header version 2 is not supported (expected 1)",
                assertThrows(ProtocolException.class, () -> ClientFrame.parse(v2))
                        .getMessage());
        Buffer flagged = ClientFrame.encode(1, 1, new byte[] {1});
        flagged.setByte(1, (byte) 4);
        assertThrows(ProtocolException.class, () -> ClientFrame.parse(flagged));
    }
}

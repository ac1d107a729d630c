package io.palmreader.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A client's channel: what waits for a client that does not read is bounded in size")
class ClientChannelTest {

    /** A socket whose write queue is full until drained; records what was written and how it was closed. */
    private static final class StalledSocket {
        boolean full = true;
        Handler<Void> drain;
        final List<String> written = new ArrayList<>();
        Short closeStatus;

        ServerWebSocket socket() {
            return (ServerWebSocket) Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {ServerWebSocket.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "drainHandler" -> {
                            @SuppressWarnings("unchecked")
                            Handler<Void> h = (Handler<Void>) args[0];
                            drain = h;
                            yield proxy;
                        }
                        case "writeQueueFull" -> full;
                        case "writeTextMessage" -> {
                            written.add((String) args[0]);
                            yield Future.succeededFuture();
                        }
                        case "close" -> {
                            closeStatus = (Short) args[0];
                            yield Future.succeededFuture();
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private static JsonObject error(int chars) {
        return ServerMessages.error(ErrorCode.BAD_MESSAGE, "x".repeat(chars), false);
    }

    @Test
    @DisplayName(
            "large ordered messages to a stalled client: closed 1008 once a quarter MiB waits, not a thousand messages")
    void backlogIsBoundedInSize() {
        StalledSocket stalled = new StalledSocket();
        ClientChannel channel = new ClientChannel(stalled.socket());
        int sent = 0;
        while (stalled.closeStatus == null && sent < 1000) {
            channel.send(error(16 * 1024));
            sent++;
        }
        assertEquals((short) 1008, stalled.closeStatus);
        assertTrue(sent <= ClientChannel.MAX_BACKLOG_CHARS / (16 * 1024) + 1, sent + " messages of 16 KiB were kept");
        assertEquals(0, channel.backlogChars(), "nothing is kept once closed");
        assertFalse(channel.send(error(10)));
    }

    @Test
    @DisplayName("what waits goes out in order once the client reads again, and is no longer counted")
    void backlogDrainsInOrder() {
        StalledSocket stalled = new StalledSocket();
        ClientChannel channel = new ClientChannel(stalled.socket());
        assertFalse(channel.send(new JsonObject().put("type", "hands")), "a hands message is skipped while behind");
        for (int i = 0; i < 3; i++) {
            assertTrue(channel.send(new JsonObject().put("type", "ai").put("i", i)));
        }
        assertTrue(channel.backlogChars() > 0);
        stalled.full = false;
        stalled.drain.handle(null);
        assertEquals(3, stalled.written.size());
        assertTrue(stalled.written.get(0).contains("\"i\":0")
                && stalled.written.get(2).contains("\"i\":2"));
        assertEquals(0, channel.backlogChars());
        assertNull(stalled.closeStatus);
    }

    @Test
    @DisplayName("a client's value is repeated back at most 64 characters long")
    void echoIsShort() {
        assertEquals("lite", ClientInput.echo("lite"));
        assertEquals(
                ClientInput.MAX_ECHO_CHARS,
                ClientInput.echo("y".repeat(16 * 1024)).length());
        assertEquals(
                ClientInput.MAX_ECHO_CHARS - 1,
                ClientInput.echo("y".repeat(62) + "\uD83D\uDE00" + "z".repeat(100))
                        .length(),
                "a surrogate pair is not cut in half");
        assertEquals("null", ClientInput.echo(null));
    }
}

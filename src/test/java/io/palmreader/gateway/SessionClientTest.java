package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.protocol.ServerMessages;
import io.palmreader.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The test client against a stand-in server that sends what it is told, on or off the protocol. */
@DisplayName("The test client fails the test that receives a message off docs/asyncapi.yaml, saying what and why")
class SessionClientTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** A server on a free port that does {@code script} with each connection. */
    private int serve(Consumer<ServerWebSocket> script) throws Exception {
        HttpServer server = vertx.createHttpServer().webSocketHandler(script::accept);
        return server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }

    @Test
    @DisplayName("next() throws at the first message off the protocol, with the message and the schema's complaint")
    void nextFailsOnAMessageOffTheProtocol() throws Exception {
        int port = serve(ws -> {
            ws.writeTextMessage(ServerMessages.pong(1).encode());
            ws.writeTextMessage("{\"type\":\"hands\",\"seq\":\"7\"}");
        });
        SessionClient client = SessionClient.connect(vertx, port);
        String why = assertThrows(AssertionError.class, () -> client.next("hands", 10_000))
                .getMessage();
        assertTrue(why.contains("'hands' does not follow docs/asyncapi.yaml"), why);
        assertTrue(why.contains("#/seq"), why);
        assertTrue(why.contains("{\"type\":\"hands\",\"seq\":\"7\"}"), why);
        client.close(); // reported once: closing does not fail again
    }

    @Test
    @DisplayName("a message off the protocol that no call read fails close(), and awaitClose() when the server closes")
    void closeFailsOnAMessageNotYetReported() throws Exception {
        int port = serve(ws -> ws.writeTextMessage("{\"type\":\"gesture\",\"name\":\"Wave\"}"));
        SessionClient client = SessionClient.connect(vertx, port);
        Eventually.await(vertx, 10_000, "the message", () -> !client.texts().isEmpty());
        String why = assertThrows(AssertionError.class, client::close).getMessage();
        assertTrue(why.contains("'gesture'") && why.contains("hand"), why);

        // The server closes once the client has spoken: a close racing the client's own connect would fail inside
        // the WebSocket client, before the session exists.
        int closing = serve(ws -> ws.textMessageHandler(text -> {
            ws.writeTextMessage("{\"type\":\"telemetry\"}");
            ws.close();
        }));
        SessionClient closed = SessionClient.connect(vertx, closing);
        closed.sendText(new JsonObject().put("type", "ping").put("ts", 1).encode());
        why = assertThrows(AssertionError.class, () -> closed.awaitClose(10_000))
                .getMessage();
        assertTrue(why.contains("'telemetry'"), why);
        closed.close();
    }

    @Test
    @DisplayName("messages on the protocol pass untouched")
    void messagesOnTheProtocolPass() throws Exception {
        int port = serve(ws -> {
            ws.writeTextMessage(ServerMessages.pong(1).encode());
            ws.writeTextMessage(ServerMessages.stats(1, 1, 0, 0, 3).encode());
        });
        try (SessionClient client = SessionClient.connect(vertx, port)) {
            assertEquals(1, client.next("pong", 10_000).getLong("ts"));
            assertEquals(3.0, client.next("stats", 10_000).getDouble("p50Ms"));
        }
    }
}

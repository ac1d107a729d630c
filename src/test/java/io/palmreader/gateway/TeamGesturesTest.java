package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.NodeExtension;
import io.palmreader.testing.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Team gesture sets across two nodes in separate JVMs sharing a real Redis: a member with {@code gestures:write}
 * teaches on one node, another member is recognised on the other; the set exported and imported over HTTP.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@DisplayName("Team gestures: taught by one member on one node, recognised for another on another; export and import")
class TeamGesturesTest {

    private static final byte[] VICTORY = GatewayTestAccess.photo("hands/victory/wasmedge_victory.jpg");

    @RegisterExtension
    static final NodeExtension a = NodeExtension.node(new JsonObject()
                    .put("node", new JsonObject().put("id", "a"))
                    .put("gesture", new JsonObject().put("teachPerMinute", 30)))
            .withRedis()
            .withTokens()
            .inCluster("b");

    private static String token(String subject, String group, String scope) {
        JsonObject claims = new JsonObject().put("sub", subject).put("group", group);
        if (scope != null) {
            claims.put("scope", scope);
        }
        return new TokenIssuer(a.vertx(), a.secret()).signed(claims, 3600L);
    }

    private static SessionClient connect(Vertx vertx, int port, String token) throws Exception {
        return SessionClient.connect(
                vertx,
                new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(port)
                        .setURI("/ws")
                        .setAllowOriginHeader(false)
                        .setSubProtocols(List.of(TokenVerifier.SUBPROTOCOL, "bearer." + token)));
    }

    private static String gestureOf(SessionClient c, long seq) throws Exception {
        c.sendFrame(seq, VICTORY);
        JsonArray hands = c.next("hands", 60_000).getJsonArray("hands");
        return hands.isEmpty() ? "" : hands.getJsonObject(0).getString("gesture");
    }

    private record Reply(int status, String body) {}

    private static Reply http(HttpClient client, HttpMethod method, int port, String path, String token, String body)
            throws Exception {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(path);
        if (token != null) {
            options.putHeader("Authorization", "Bearer " + token);
        }
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return client.request(options)
                .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
                .compose(r -> r.body().map(b -> new Reply(r.statusCode(), b.toString())))
                .await(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a writer's gesture reaches a reader on the other node; the set round-trips; readers cannot change it")
    void teamSets() throws Exception {
        NodeProcess b = a.startMember("b", "all", new JsonObject()).awaitReady();
        Vertx clients = a.clients();
        HttpClient http = clients.createHttpClient();
        String writer = token("wendy", "crew", "profile gestures:write");
        String reader = token("ray", "crew", "profile");
        String outsider = token("olga", "other-crew", "gestures:write");

        try (SessionClient w = connect(clients, a.port(), writer)) {
            w.next("welcome", 10_000);
            w.sendText(new JsonObject()
                    .put("type", "teach")
                    .put("name", "Scissors")
                    .put("frames", 5)
                    .encode());
            w.next("teaching", 5000);
            for (int i = 1; i <= 5; i++) {
                gestureOf(w, i);
            }
            JsonObject taught = w.next("taught", 10_000);
            assertEquals(true, taught.getBoolean("team"), taught.encode());
        }
        try (SessionClient r = connect(clients, b.httpPort(), reader);
                SessionClient o = connect(clients, b.httpPort(), outsider)) {
            JsonObject welcome = r.next("welcome", 10_000);
            assertEquals(
                    new JsonArray()
                            .add(new JsonObject()
                                    .put("name", "Scissors")
                                    .put("recordings", 1)
                                    .put("team", true)),
                    welcome.getJsonArray("taughtGestures"));
            assertEquals("Scissors", gestureOf(r, 1), "recognised for another member on the other node");
            o.next("welcome", 10_000);
            assertEquals("Victory", gestureOf(o, 1), "another group's members see their own set only");

            r.sendText(new JsonObject()
                    .put("type", "forget")
                    .put("name", "Scissors")
                    .encode());
            assertEquals("bad_message", r.next("error", 5000).getString("code"), "a reader cannot forget it");
        }

        Reply exported = http(http, HttpMethod.GET, a.port(), "/api/gestures", reader, null);
        assertEquals(200, exported.status(), exported.body());
        JsonObject set = new JsonObject(exported.body());
        assertEquals("Scissors", set.getJsonArray("gestures").getJsonObject(0).getString("name"));

        assertEquals(
                401,
                http(http, HttpMethod.GET, a.port(), "/api/gestures", null, null)
                        .status());
        assertEquals(
                401,
                http(http, HttpMethod.PUT, a.port(), "/api/gestures", null, exported.body())
                        .status());
        assertEquals(
                401,
                http(http, HttpMethod.PUT, a.port(), "/api/gestures", "not.a.token", exported.body())
                        .status());
        Reply refused = http(http, HttpMethod.PUT, a.port(), "/api/gestures", reader, exported.body());
        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.body().contains("gestures:write"), refused.body());
        Reply bad = http(
                http,
                HttpMethod.PUT,
                b.httpPort(),
                "/api/gestures",
                writer,
                new JsonObject()
                        .put("gestures", new JsonArray().add("Scissors"))
                        .encode());
        assertEquals(400, bad.status(), bad.body());

        try (SessionClient r = connect(clients, b.httpPort(), reader)) {
            r.next("welcome", 10_000);
            assertEquals("Scissors", gestureOf(r, 1));
            Reply emptied = http(
                    http,
                    HttpMethod.PUT,
                    a.port(),
                    "/api/gestures",
                    writer,
                    new JsonObject().put("gestures", new JsonArray()).encode());
            assertEquals(200, emptied.status(), emptied.body());
            assertEquals(new JsonArray(), r.next("custom_gestures", 10_000).getJsonArray("customGestures"));
            assertEquals("Victory", gestureOf(r, 2), "the emptied set reached the session on the other node");

            Reply imported = http(http, HttpMethod.PUT, b.httpPort(), "/api/gestures", writer, exported.body());
            assertEquals(200, imported.status(), imported.body());
            assertEquals(
                    new JsonArray().add("Scissors"),
                    r.next("custom_gestures", 10_000).getJsonArray("customGestures"));
            assertEquals("Scissors", gestureOf(r, 3), "imported back, recognised again");
        }
        Reply again = http(http, HttpMethod.GET, b.httpPort(), "/api/gestures", writer, null);
        assertEquals(set, new JsonObject(again.body()), "export → import → export is the same set");
    }
}

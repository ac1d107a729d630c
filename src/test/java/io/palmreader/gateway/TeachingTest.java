package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.NodeExtension;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("Gestures taught by example, through real sessions on a node with authentication and real inference")
class TeachingTest {

    private static final byte[] VICTORY = GatewayTestAccess.photo("hands/victory/wasmedge_victory.jpg");
    private static final byte[] THUMB_UP = GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg");
    private static final byte[] NO_HAND = GatewayTestAccess.photo("hands/no_hand/wasmedge_clock.jpg");

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
                    .put("assistant", new JsonObject().put("gestureCooldownMs", 0))
                    .put(
                            "gesture",
                            new JsonObject()
                                    .put("holdFrames", 2)
                                    .put("holdMs", 0)
                                    .put("teachPerMinute", 30)))
            .withOllama()
            .withTokens();

    private SessionClient connect(String subject) throws Exception {
        String token = node.tokens().token(subject);
        return SessionClient.connect(
                node.vertx(),
                new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(node.port())
                        .setURI("/ws")
                        .setAllowOriginHeader(false)
                        .setSubProtocols(List.of(TokenVerifier.SUBPROTOCOL, "bearer." + token)));
    }

    /** Sends a frame and returns its answer's first hand's gesture, or "" with no hand. */
    private static String gestureOf(SessionClient c, long seq, byte[] photo) throws Exception {
        c.sendFrame(seq, photo);
        JsonObject hands = c.next("hands", 30_000);
        assertEquals(seq, hands.getLong("seq"));
        JsonArray list = hands.getJsonArray("hands");
        return list.isEmpty() ? "" : list.getJsonObject(0).getString("gesture");
    }

    private static JsonObject send(SessionClient c, JsonObject message) throws Exception {
        c.sendText(message.encode());
        return message;
    }

    @Test
    @DisplayName(
            "taught from 10 frames of a photo, it reads the taught name while another photo keeps its gesture; a new "
                    + "connection of the user lists and recognises it; after forget the photo reads its canned gesture again")
    void teachRecogniseForget() throws Exception {
        long seq = 0;
        try (SessionClient c = connect("ann")) {
            assertEquals(new JsonArray(), c.next("welcome", 5000).getJsonArray("customGestures"));
            assertEquals("Victory", gestureOf(c, ++seq, VICTORY));
            send(
                    c,
                    new JsonObject()
                            .put("type", "teach")
                            .put("name", "Scissors")
                            .put("frames", 10));
            assertEquals(0, c.next("teaching", 5000).getInteger("collected"));
            JsonObject taught = null;
            for (int i = 0; i < 20 && taught == null; i++) {
                gestureOf(c, ++seq, VICTORY);
                taught = c.skipped().stream()
                        .filter(m -> "taught".equals(m.getString("type")))
                        .findFirst()
                        .orElse(null);
            }
            assertEquals(
                    new JsonObject()
                            .put("type", "taught")
                            .put("name", "Scissors")
                            .put("samples", 10)
                            .put("recordings", 1)
                            .put("team", false),
                    taught);
            c.sendFrame(++seq, VICTORY);
            JsonObject hand = c.next("hands", 30_000).getJsonArray("hands").getJsonObject(0);
            assertEquals("Scissors", hand.getString("gesture"));
            assertTrue(hand.getBoolean("taught"));
            assertTrue(hand.getDouble("score") > 0.5 && hand.getDouble("score") <= 1, hand.encode());
            JsonObject announced = c.next("gesture", 10_000);
            while (!"Scissors".equals(announced.getString("name"))) { // Victory was announced before the teaching
                announced = c.next("gesture", 10_000);
            }
            JsonObject answer = c.next("ai", 10_000);
            while (!"Scissors".equals(answer.getJsonObject("trigger").getString("name"))) {
                answer = c.next("ai", 10_000);
            }
            assertEquals("gesture", answer.getJsonObject("trigger").getString("type"), "and it asks the assistant");
            assertEquals("Thumb_Up", gestureOf(c, ++seq, THUMB_UP));
        }
        try (SessionClient again = connect("ann");
                SessionClient stranger = connect("bob")) {
            assertEquals(
                    new JsonArray().add("Scissors"), again.next("welcome", 5000).getJsonArray("customGestures"));
            assertEquals("Scissors", gestureOf(again, 1, VICTORY));
            assertEquals(new JsonArray(), stranger.next("welcome", 5000).getJsonArray("customGestures"));
            assertEquals("Victory", gestureOf(stranger, 1, VICTORY), "another user's gestures are theirs alone");
            send(again, new JsonObject().put("type", "forget").put("name", "Scissors"));
            assertEquals("Scissors", again.next("forgotten", 5000).getString("name"));
            assertEquals("Victory", gestureOf(again, 2, VICTORY));
        }
        try (SessionClient later = connect("ann")) {
            assertEquals(new JsonArray(), later.next("welcome", 5000).getJsonArray("customGestures"));
        }
    }

    /** Teaches {@code name} from {@code frames} frames of {@code photo}, returns the {@code taught} message. */
    private static JsonObject teach(SessionClient c, long[] seq, String name, byte[] photo, JsonObject extra)
            throws Exception {
        send(
                c,
                new JsonObject()
                        .put("type", "teach")
                        .put("name", name)
                        .put("frames", 5)
                        .mergeIn(extra));
        c.next("teaching", 5000);
        for (int i = 0; i < 5; i++) {
            gestureOf(c, ++seq[0], photo);
        }
        return c.next("taught", 10_000);
    }

    @Test
    @DisplayName("teaching a name again adds a recording, replace starts afresh, forget removes it; the counts show in "
            + "taught and in the next session's welcome")
    void recordingsAccumulate() throws Exception {
        long[] seq = {0};
        try (SessionClient c = connect("eve")) {
            c.next("welcome", 5000);
            assertEquals(1, teach(c, seq, "Vee", VICTORY, new JsonObject()).getInteger("recordings"));
            JsonObject second = teach(c, seq, "Vee", VICTORY, new JsonObject());
            assertEquals(2, second.getInteger("recordings"));
            assertEquals(10, second.getInteger("samples"));
            assertEquals(3, teach(c, seq, "vee", VICTORY, new JsonObject()).getInteger("recordings"));
        }
        try (SessionClient c = connect("eve")) {
            JsonObject welcome = c.next("welcome", 5000);
            assertEquals(
                    new JsonArray()
                            .add(new JsonObject()
                                    .put("name", "Vee")
                                    .put("recordings", 3)
                                    .put("team", false)),
                    welcome.getJsonArray("taughtGestures"));
            JsonObject replaced = teach(c, seq, "Vee", VICTORY, new JsonObject().put("replace", true));
            assertEquals(1, replaced.getInteger("recordings"));
            assertEquals(5, replaced.getInteger("samples"));
            send(c, new JsonObject().put("type", "teach").put("name", "Vee").put("replace", "yes"));
            assertEquals("bad_message", c.next("error", 5000).getString("code"));
            send(c, new JsonObject().put("type", "forget").put("name", "Vee"));
            c.next("forgotten", 5000);
        }
        try (SessionClient c = connect("eve")) {
            assertEquals(new JsonArray(), c.next("welcome", 5000).getJsonArray("taughtGestures"));
        }
    }

    @Test
    @DisplayName("a gesture taught on one connection reaches the user's other open connection at once")
    void otherConnectionsFollow() throws Exception {
        try (SessionClient a = connect("cat");
                SessionClient b = connect("cat")) {
            a.next("welcome", 5000);
            b.next("welcome", 5000);
            send(a, new JsonObject().put("type", "teach").put("name", "Vee").put("frames", 5));
            for (int i = 1; i <= 5; i++) {
                gestureOf(a, i, VICTORY);
            }
            a.next("taught", 10_000);
            assertEquals(
                    new JsonArray().add("Vee"),
                    b.next("custom_gestures", 10_000).getJsonArray("customGestures"));
            assertEquals("Vee", gestureOf(b, 1, VICTORY), "found afresh on a new session");
            for (int i = 6; i < 20; i++) {
                assertEquals("Vee", gestureOf(a, i, VICTORY), "frame " + i + ", followed from frame to frame");
            }
        }
    }

    @Test
    @DisplayName(
            "teach_failed for a canned name, too few one-hand frames in 10 s and examples that disagree; bad_message "
                    + "for a bad name, bad frames and forgetting what was never taught; the session carries on")
    void refusals() throws Exception {
        try (SessionClient c = connect("dan")) {
            c.next("welcome", 5000);
            send(c, new JsonObject().put("type", "teach").put("name", "thumb_up"));
            assertEquals("teach_failed", c.next("error", 5000).getString("code"));
            send(c, new JsonObject().put("type", "teach").put("name", "<b>"));
            assertEquals("bad_message", c.next("error", 5000).getString("code"));
            send(c, new JsonObject().put("type", "teach").put("name", "Ok2").put("frames", 1000));
            assertEquals("bad_message", c.next("error", 5000).getString("code"));
            send(c, new JsonObject().put("type", "forget").put("name", "Never"));
            assertEquals("bad_message", c.next("error", 5000).getString("code"));

            send(c, new JsonObject().put("type", "teach").put("name", "Mixed").put("frames", 10));
            for (int i = 1; i <= 10; i++) {
                gestureOf(c, i, i % 2 == 0 ? VICTORY : THUMB_UP);
            }
            JsonObject disagree = c.next("error", 10_000);
            assertEquals("teach_failed", disagree.getString("code"));
            assertTrue(disagree.getString("message").contains("disagree"), disagree.encode());

            send(c, new JsonObject().put("type", "teach").put("name", "Nothing").put("frames", 5));
            gestureOf(c, 11, NO_HAND);
            gestureOf(c, 12, VICTORY);
            JsonObject tooFew = c.next("error", 15_000);
            assertEquals("teach_failed", tooFew.getString("code"));
            assertTrue(tooFew.getString("message").contains("only 1 of 5"), tooFew.encode());
            assertEquals("Victory", gestureOf(c, 13, VICTORY));
        }
    }
}

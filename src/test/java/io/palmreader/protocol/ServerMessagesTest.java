package io.palmreader.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.palmreader.gesture.HandGesture;
import io.palmreader.vision.Gesture;
import io.palmreader.vision.Hand;
import io.palmreader.vision.HandRegion;
import io.palmreader.vision.Handedness;
import io.palmreader.vision.ModelVariant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each server message, field by field, as docs/protocol.md lists them. */
@DisplayName("Server messages carry exactly their documented fields")
class ServerMessagesTest {

    private static final ServerMessages.Limits LIMITS =
            new ServerMessages.Limits(1, 1 << 20, 30, 30_000, 2, ModelVariant.FULL, false, 16_384);

    @Test
    @DisplayName("welcome: session, resume token, limits, capabilities and taught gestures; resumed only when it was")
    void welcome() {
        JsonObject m = ServerMessages.welcome(
                "s1",
                "r1",
                false,
                LIMITS,
                new ServerMessages.Capabilities(null, List.of("Open_Palm", "Wave"), true),
                List.of(new ServerMessages.TaughtEntry("Spock", 3, false)));
        assertEquals(
                new JsonObject()
                        .put("type", "welcome")
                        .put("sessionId", "s1")
                        .put(
                                "limits",
                                new JsonObject()
                                        .put("inflight", 1)
                                        .put("maxFrameBytes", 1 << 20)
                                        .put("maxFps", 30)
                                        .put("idleTimeoutMs", 30_000)
                                        .put("maxHands", 2)
                                        .put("headerBytes", ClientFrame.HEADER_BYTES)
                                        .put("maxTextBytes", 16_384)
                                        .put("model", "full")
                                        .put("quality", "adaptive"))
                        .put(
                                "capabilities",
                                new JsonObject()
                                        .put(
                                                "models",
                                                new JsonArray().add("lite").add("full"))
                                        .put(
                                                "gestures",
                                                new JsonArray().add("Open_Palm").add("Wave"))
                                        .put("assistant", true))
                        .put("customGestures", new JsonArray().add("Spock"))
                        .put(
                                "taughtGestures",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("name", "Spock")
                                                .put("recordings", 3)
                                                .put("team", false)))
                        .put("resumeToken", "r1"),
                m);
        JsonObject resumed = ServerMessages.welcome(
                "s2", "r2", true, LIMITS, new ServerMessages.Capabilities("node-a", List.of(), false), List.of());
        assertEquals(true, resumed.getBoolean("resumed"));
        assertEquals("node-a", resumed.getJsonObject("capabilities").getString("node"));
    }

    @Test
    @DisplayName("hands: each hand's gesture, handedness, presence and 21 landmarks, timings rounded, worker when told")
    void hands() {
        float[] landmarks = new float[3 * Hand.LANDMARKS];
        landmarks[0] = 0.123456f;
        Hand hand = new Hand(
                landmarks,
                new float[3 * Hand.LANDMARKS],
                0.98765f,
                Handedness.LEFT,
                0.9f,
                Gesture.OPEN_PALM,
                0.8f,
                new HandRegion(0.5f, 0.5f, 0.2f, 0.2f, 0));
        JsonObject m = ServerMessages.hands(
                7,
                1234,
                640,
                480,
                List.of(hand, hand),
                List.of(new HandGesture("Open_Palm", 0.87654f, false), new HandGesture("Spock", 0.9f, true)),
                ModelVariant.LITE,
                1,
                1.234,
                5.678,
                9.999,
                null);
        assertEquals(
                List.of("type", "seq", "captureTs", "width", "height", "hands", "model", "rung", "timing"),
                List.copyOf(m.fieldNames()));
        assertEquals(7, m.getLong("seq"));
        assertEquals("lite", m.getString("model"));
        assertEquals(1, m.getInteger("rung"));
        assertEquals(
                new JsonObject().put("queueMs", 1.23).put("inferMs", 5.68).put("serverMs", 10.0),
                m.getJsonObject("timing"));
        JsonObject first = m.getJsonArray("hands").getJsonObject(0);
        assertEquals(
                List.of("gesture", "score", "handedness", "presence", "landmarks"), List.copyOf(first.fieldNames()));
        assertEquals(0.877, first.getDouble("score"));
        assertEquals("Left", first.getString("handedness"));
        assertEquals(0.988, first.getDouble("presence"));
        assertEquals(Hand.LANDMARKS, first.getJsonArray("landmarks").size());
        assertEquals(
                new JsonArray().add(0.1235).add(0.0).add(0.0),
                first.getJsonArray("landmarks").getJsonArray(0));
        assertEquals(true, m.getJsonArray("hands").getJsonObject(1).getBoolean("taught"));
        assertEquals(
                "node-a/cpu0",
                ServerMessages.hands(
                                7, 1234, 640, 480, List.of(), List.of(), ModelVariant.FULL, 0, 0, 0, 0, "node-a/cpu0")
                        .getString("worker"));
    }

    @Test
    @DisplayName("errors: code, message and fatal; a teach error names its gesture, a question limit says when")
    void errors() {
        assertEquals(
                new JsonObject()
                        .put("type", "error")
                        .put("code", "bad_message")
                        .put("message", "no")
                        .put("fatal", true),
                ServerMessages.error(ErrorCode.BAD_MESSAGE, "no", true));
        assertEquals(
                new JsonObject()
                        .put("type", "error")
                        .put("code", "teach_failed")
                        .put("message", "limit")
                        .put("fatal", false)
                        .put("name", "Spock"),
                ServerMessages.teachError(ErrorCode.TEACH_FAILED, "limit", "Spock"));
        assertEquals(
                new JsonObject()
                        .put("type", "error")
                        .put("code", "rate_limited")
                        .put("message", "wait")
                        .put("fatal", false)
                        .put("retryAfterMs", 1500L),
                ServerMessages.questionLimited("wait", 1500));
    }

    @Test
    @DisplayName("a frame's notice: an error with seq and retryAfterMs when known, else dropped with the reason")
    void notices() {
        assertEquals(
                new JsonObject().put("type", "dropped").put("seq", 3L).put("reason", "superseded"),
                ServerMessages.notice(FrameNotice.dropped(3, "superseded")));
        assertEquals(
                new JsonObject()
                        .put("type", "error")
                        .put("code", "rate_limited")
                        .put("message", "slow down")
                        .put("fatal", false)
                        .put("seq", 4L)
                        .put("retryAfterMs", 250L),
                ServerMessages.notice(new FrameNotice(4, "rate_limited", ErrorCode.RATE_LIMITED, "slow down", 250)));
        JsonObject unread =
                ServerMessages.notice(new FrameNotice(-1, "invalid_frame", ErrorCode.INVALID_FRAME, "short", 0));
        assertFalse(unread.containsKey("seq"), "a frame that could not be read has no seq");
        assertFalse(unread.containsKey("retryAfterMs"));
    }

    @Test
    @DisplayName("gestures, teaching, stats, pong and the taught set")
    void smallMessages() {
        assertEquals(
                new JsonObject()
                        .put("type", "gesture")
                        .put("name", "Wave")
                        .put("hand", "Right")
                        .put("since", 9L),
                ServerMessages.gesture("Wave", "Right", 9));
        assertEquals(
                new JsonObject()
                        .put("type", "teaching")
                        .put("name", "Spock")
                        .put("collected", 2)
                        .put("frames", 15),
                ServerMessages.teaching("Spock", 2, 15));
        assertEquals(
                new JsonObject()
                        .put("type", "taught")
                        .put("name", "Spock")
                        .put("samples", 45)
                        .put("recordings", 3)
                        .put("team", true),
                ServerMessages.taught("Spock", 45, 3, true));
        assertEquals(new JsonObject().put("type", "forgotten").put("name", "Spock"), ServerMessages.forgotten("Spock"));
        assertEquals(
                new JsonObject()
                        .put("type", "custom_gestures")
                        .put("customGestures", new JsonArray().add("Wave"))
                        .put(
                                "taughtGestures",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("name", "Wave")
                                                .put("recordings", 1)
                                                .put("team", true))),
                ServerMessages.customGestures(List.of(new ServerMessages.TaughtEntry("Wave", 1, true))));
        assertEquals(
                new JsonObject()
                        .put("type", "stats")
                        .put("fpsIn", 29.9)
                        .put("fpsOut", 15.0)
                        .put("dropped", 3L)
                        .put("degraded", 40L)
                        .put("p50Ms", 12.3),
                ServerMessages.stats(29.94, 15.01, 3, 40, 12.34));
        assertEquals(new JsonObject().put("type", "pong").put("ts", 5L), ServerMessages.pong(5));
    }

    @Test
    @DisplayName("the assistant's messages: pieces, the end with how it ended, failures, its status, triggers")
    void assistantMessages() {
        JsonObject question = ServerMessages.questionTrigger();
        assertEquals(new JsonObject().put("type", "question"), question);
        assertEquals(
                new JsonObject().put("type", "gesture").put("name", "Wave").put("hand", "Left"),
                ServerMessages.gestureTrigger("Wave", "Left"));
        assertEquals(
                new JsonObject()
                        .put("type", "ai")
                        .put("answerId", "a")
                        .put("delta", "Hi")
                        .put("done", false)
                        .put("trigger", question),
                ServerMessages.aiDelta("a", "Hi", question));
        JsonObject stats = new JsonObject().put("tokens", 3);
        assertEquals(
                new JsonObject()
                        .put("type", "ai")
                        .put("answerId", "a")
                        .put("delta", "")
                        .put("done", true)
                        .put("trigger", question)
                        .put("node", "n")
                        .put("stats", stats),
                ServerMessages.aiDone("a", question, "completed", "n", stats));
        assertEquals(
                true,
                ServerMessages.aiDone("a", question, "truncated", null, null).getBoolean("truncated"));
        assertEquals(
                true,
                ServerMessages.aiDone("a", question, "stopped", null, null).getBoolean("stopped"));
        assertFalse(ServerMessages.aiDone("a", question, "cached", null, null).containsKey("cached"));
        assertEquals(
                new JsonObject()
                        .put("type", "ai_error")
                        .put("answerId", "a")
                        .put("code", "assistant_busy")
                        .put("message", "busy")
                        .put("partial", "Hel"),
                ServerMessages.aiError("a", ErrorCode.ASSISTANT_BUSY, "busy", "Hel"));
        assertEquals(
                new JsonObject()
                        .put("type", "assistant")
                        .put("enabled", true)
                        .put("available", false)
                        .put("model", "m")
                        .put("breaker", "OPEN"),
                ServerMessages.assistant(true, false, "m", "OPEN"));
    }
}

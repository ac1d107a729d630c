package io.palmreader.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.assistant.AnswerEnding;
import io.palmreader.assistant.AssistantEvent;
import io.palmreader.assistant.AssistantHealth;
import io.palmreader.gesture.GestureEvents;
import io.palmreader.gesture.GestureRecording;
import io.palmreader.gesture.HandGesture;
import io.palmreader.gesture.MotionGestures;
import io.palmreader.gesture.TaughtGesture;
import io.palmreader.gesture.TaughtGestures;
import io.palmreader.session.AskRequest;
import io.palmreader.session.DropReason;
import io.palmreader.session.HelloRequest;
import io.palmreader.session.TeachRequest;
import io.palmreader.vision.Gesture;
import io.palmreader.vision.Hand;
import io.palmreader.vision.HandRegion;
import io.palmreader.vision.Handedness;
import io.palmreader.vision.ModelVariant;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/asyncapi.yaml against the code: the messages it allows are the ones the server's parsers take and its builders
 * make, and every code, reason and type the code knows is in it.
 */
@DisplayName("docs/asyncapi.yaml describes the protocol the code speaks, and refuses what the code refuses")
class ProtocolSchemaTest {

    private static final ProtocolSchema SCHEMA = ProtocolSchema.get();
    /** The most hands a node may be set to find ({@code inference.maxHands}). */
    private static final int NODE_MAX_HANDS = 16;

    private static final String SESSION_ID = "6f1d9c52-8a3e-4b7f-9c21-0d4e5f6a7b8c";
    private static final String RESUME_TOKEN = "0b7c2f4e-2d0a-4c1f-9d7e-6a1b2c3d4e5f";
    private static final String ANSWER_ID = "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9";

    // ---- client messages ------------------------------------------------------------------------------------------

    /** What the web page (web/*.js), the load client and docs/protocol.md send. */
    private static List<JsonObject> validClientMessages() {
        return List.of(
                new JsonObject()
                        .put("type", "hello")
                        .put("model", "full")
                        .put("assistant", true)
                        .put("attachFrame", false)
                        .put("resume", RESUME_TOKEN),
                new JsonObject().put("type", "hello").put("token", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
                new JsonObject().put("type", "hello").put("model", "lite"),
                new JsonObject().put("type", "hello").put("assistant", false).put("attachFrame", true),
                new JsonObject().put("type", "hello"),
                new JsonObject().put("type", "config").put("maxHands", 1).put("model", "lite"),
                new JsonObject().put("type", "config").put("maxHands", NODE_MAX_HANDS),
                new JsonObject().put("type", "ping"),
                ClientMessages.ask("What gesture am I making?"),
                new JsonObject().put("type", "ask").put("text", "x".repeat(AskRequest.MAX_QUESTION_CHARS)),
                new JsonObject().put("type", "stop"),
                new JsonObject()
                        .put("type", "teach")
                        .put("name", "Spock")
                        .put("frames", 15)
                        .put("replace", false),
                new JsonObject().put("type", "teach").put("name", "my wave-2_b"),
                new JsonObject().put("type", "teach").put("name", "  Spock  ").put("frames", 5),
                new JsonObject()
                        .put("type", "teach")
                        .put("name", "x".repeat(TaughtGesture.MAX_NAME_LENGTH))
                        .put("frames", 60)
                        .put("replace", true),
                new JsonObject().put("type", "forget").put("name", "Spock"));
    }

    /** Messages the server refuses with {@code bad_message}: the document must refuse them too. */
    private static List<JsonObject> malformedClientMessages() {
        return List.of(
                new JsonObject(),
                new JsonObject().put("type", 7),
                new JsonObject().put("type", ""),
                new JsonObject().put("type", "helo"),
                new JsonObject().put("type", "HELLO"),
                new JsonObject().put("type", "welcome"),
                new JsonObject().put("type", "hello").put("maxHands", "2"),
                new JsonObject().put("type", "hello").put("maxHands", 0),
                new JsonObject().put("type", "hello").put("maxHands", NODE_MAX_HANDS + 1),
                new JsonObject().put("type", "hello").put("maxHands", 1.5),
                new JsonObject().put("type", "hello").put("model", "medium"),
                new JsonObject().put("type", "config").put("assistant", "yes"),
                new JsonObject().put("type", "config").put("attachFrame", 1),
                new JsonObject().put("type", "ask"),
                new JsonObject().put("type", "ask").put("text", ""),
                new JsonObject().put("type", "ask").put("text", "   "),
                new JsonObject().put("type", "ask").put("text", 42),
                new JsonObject().put("type", "ask").put("text", "x".repeat(AskRequest.MAX_QUESTION_CHARS + 1)),
                new JsonObject().put("type", "teach"),
                new JsonObject().put("type", "teach").put("name", 7),
                new JsonObject().put("type", "teach").put("name", ""),
                new JsonObject().put("type", "teach").put("name", "   "),
                new JsonObject().put("type", "teach").put("name", "Spöck"),
                new JsonObject().put("type", "teach").put("name", "x".repeat(TaughtGesture.MAX_NAME_LENGTH + 1)),
                new JsonObject().put("type", "teach").put("name", "Spock").put("frames", "15"),
                new JsonObject().put("type", "teach").put("name", "Spock").put("frames", 4),
                new JsonObject().put("type", "teach").put("name", "Spock").put("frames", 61),
                new JsonObject().put("type", "teach").put("name", "Spock").put("replace", "yes"),
                new JsonObject().put("type", "forget"),
                new JsonObject().put("type", "forget").put("name", 7));
    }

    /** Well formed, but refused for what they ask: the document takes them, the server answers with an error. */
    private static List<JsonObject> wellFormedButRefused() {
        return List.of(
                // a built-in gesture's name, in any case: teach_failed
                new JsonObject().put("type", "teach").put("name", "Victory"),
                new JsonObject().put("type", "teach").put("name", "thumb_up"));
    }

    /** What the server reads past (it ignores what it does not know), and the document refuses as not protocol. */
    private static List<JsonObject> ignoredByTheServer() {
        return List.of(
                new JsonObject().put("type", "hello").put("maxhands", 1),
                new JsonObject().put("type", "ping").put("ts", 1),
                new JsonObject().put("type", "stop").put("answerId", ANSWER_ID),
                new JsonObject().put("type", "hello").put("token", 42),
                new JsonObject().put("type", "hello").put("resume", true));
    }

    /**
     * Whether the server's own parsers take {@code message}: null when they do, else the refusal's code. What a parser
     * refuses only for the state of the session (a gesture not taught) is not asked here.
     */
    private static ErrorCode serverRefusal(JsonObject message) {
        try {
            switch (ClientMessageType.of(message.getValue("type"))) {
                case HELLO, CONFIG -> HelloRequest.parse(message, NODE_MAX_HANDS);
                case ASK -> AskRequest.question(message.getValue("text"), true);
                case TEACH -> TeachRequest.teach(message, TaughtGestures.NONE, null);
                case FORGET -> {
                    if (TeachRequest.nameOf(message) == null) {
                        return ErrorCode.BAD_MESSAGE;
                    }
                }
                case PING, STOP -> {}
            }
            return null;
        } catch (ProtocolException e) {
            return e.code();
        }
    }

    @Test
    @DisplayName("client messages as the web page and the docs send them are valid, and the server's parsers take them")
    void validClientMessagesPass() {
        for (JsonObject m : validClientMessages()) {
            assertEquals(List.of(), SCHEMA.clientViolations(m), m.encode());
            assertEquals(null, serverRefusal(m), m.encode());
        }
    }

    @Test
    @DisplayName(
            "what the server refuses as bad_message the document refuses: unknown type, no name, wrong field types")
    void malformedClientMessagesFail() {
        for (JsonObject m : malformedClientMessages()) {
            assertFalse(SCHEMA.clientViolations(m).isEmpty(), "the document takes " + m.encode());
            assertEquals(ErrorCode.BAD_MESSAGE, serverRefusal(m), m.encode());
        }
        for (JsonObject m : wellFormedButRefused()) {
            assertEquals(List.of(), SCHEMA.clientViolations(m), m.encode());
            assertEquals(ErrorCode.TEACH_FAILED, serverRefusal(m), m.encode());
        }
        for (JsonObject m : ignoredByTheServer()) {
            assertFalse(SCHEMA.clientViolations(m).isEmpty(), "the document takes " + m.encode());
            assertEquals(null, serverRefusal(m), m.encode());
        }
        String why = String.join("\n", SCHEMA.clientViolations(new JsonObject().put("type", "teach")));
        assertTrue(why.contains("'teach'") && why.contains("name"), why);
    }

    @Test
    @DisplayName("server messages are not client messages, nor client messages server ones")
    void sidesAreApart() {
        assertFalse(SCHEMA.clientViolations(ServerMessages.pong(1)).isEmpty());
        assertFalse(
                SCHEMA.serverViolations(new JsonObject().put("type", "ping")).isEmpty());
        assertFalse(SCHEMA.serverViolations("not json").isEmpty());
        assertFalse(SCHEMA.serverViolations("[1]").isEmpty());
    }

    // ---- server messages ------------------------------------------------------------------------------------------

    private static Hand hand(Handedness handedness, Gesture gesture) {
        float[] landmarks = new float[3 * Hand.LANDMARKS];
        for (int i = 0; i < landmarks.length; i++) {
            landmarks[i] = i % 3 == 2 ? -0.05f : 0.5f + i / 1000f;
        }
        return new Hand(
                landmarks,
                new float[3 * Hand.LANDMARKS],
                0.98765f,
                handedness,
                0.9f,
                gesture,
                0.8f,
                new HandRegion(0.5f, 0.5f, 0.2f, 0.2f, 0));
    }

    /** Each of ServerMessages's builders, with messages it builds in each of its forms. */
    private static Map<String, List<JsonObject>> builtMessages() {
        Map<String, List<JsonObject>> built = new LinkedHashMap<>();
        ServerMessages.Limits limits =
                new ServerMessages.Limits(1, 1 << 20, 30, 30_000, 2, ModelVariant.FULL, false, 16_384);
        List<ServerMessages.TaughtEntry> taught = List.of(
                new ServerMessages.TaughtEntry("Spock", 3, false),
                new ServerMessages.TaughtEntry("Team salute", 1, true));
        built.put(
                "welcome",
                List.of(
                        ServerMessages.welcome(
                                SESSION_ID,
                                RESUME_TOKEN,
                                false,
                                limits,
                                new ServerMessages.Capabilities(null, GestureEvents.vocabulary(), true),
                                List.of()),
                        ServerMessages.welcome(
                                SESSION_ID,
                                RESUME_TOKEN,
                                true,
                                new ServerMessages.Limits(2, 1 << 20, 15, 60_000, 1, ModelVariant.LITE, true, 256),
                                new ServerMessages.Capabilities("node-a", GestureEvents.vocabulary(), false),
                                taught)));
        List<JsonObject> hands = new ArrayList<>();
        hands.add(ServerMessages.hands(0, 0, 0, 0, List.of(), List.of(), ModelVariant.FULL, 0, 0, 0, 0, null));
        for (Gesture g : Gesture.values()) {
            Hand h = hand(Handedness.LEFT, g);
            hands.add(ServerMessages.hands(
                    4_294_967_295L,
                    System.currentTimeMillis(),
                    640,
                    480,
                    List.of(h, hand(Handedness.RIGHT, Gesture.NONE)),
                    List.of(HandGesture.canned(h), new HandGesture("Spock", 0.91f, true)),
                    ModelVariant.LITE,
                    2,
                    1.234,
                    5.678,
                    9.999,
                    "node-a/cpu0"));
        }
        built.put("hands", hands);
        List<JsonObject> gestures = new ArrayList<>();
        for (String name : GestureEvents.vocabulary()) {
            if (!name.equals(Gesture.NONE.label())) {
                gestures.add(ServerMessages.gesture(name, "Left", 1_764_400_000_000L));
            }
        }
        gestures.add(ServerMessages.gesture("Spock", "Right", 1_764_400_000_000L));
        built.put("gesture", gestures);
        built.put("taught", List.of(ServerMessages.taught("Spock", 45, 3, true)));
        built.put("forgotten", List.of(ServerMessages.forgotten("Team salute")));
        built.put(
                "teaching",
                List.of(
                        ServerMessages.teaching("Spock", 0, GestureRecording.MIN_FRAMES),
                        ServerMessages.teaching("Spock", GestureRecording.MAX_FRAMES, GestureRecording.MAX_FRAMES)));
        built.put(
                "customGestures",
                List.of(ServerMessages.customGestures(List.of()), ServerMessages.customGestures(taught)));
        List<JsonObject> errors = new ArrayList<>();
        for (String code : enumOf("error", "code")) {
            errors.add(ServerMessages.error(errorCode(code), "refused", false));
        }
        built.put("error", errors);
        built.put(
                "teachError",
                List.of(
                        ServerMessages.teachError(ErrorCode.TEACH_FAILED, "limit reached", "Spock"),
                        ServerMessages.teachError(ErrorCode.BAD_MESSAGE, "bad name", ClientInput.echo(null)),
                        ServerMessages.teachError(ErrorCode.RATE_LIMITED, "slow", ClientInput.echo("x".repeat(999)))));
        built.put("questionLimited", List.of(ServerMessages.questionLimited("too many questions", 11_500)));
        built.put(
                "stats",
                List.of(ServerMessages.stats(0, 0, 0, 0, 0), ServerMessages.stats(29.94, 15.01, 3, 40, 12.34)));
        List<JsonObject> dropped = new ArrayList<>();
        for (String reason : enumOf("dropped", "reason")) {
            dropped.add(ServerMessages.dropped(7, reason));
        }
        built.put("dropped", dropped);
        List<JsonObject> notices = new ArrayList<>();
        notices.add(ServerMessages.notice(FrameNotice.dropped(-1, DropReason.RATE_LIMITED.tag())));
        for (DropReason reason : DropReason.values()) {
            if (reason.code() != null) {
                notices.add(ServerMessages.notice(new FrameNotice(9, reason.tag(), reason.code(), "why", 0)));
                notices.add(ServerMessages.notice(new FrameNotice(-1, reason.tag(), reason.code(), "why", 0)));
                notices.add(ServerMessages.notice(new FrameNotice(9, reason.tag(), reason.code(), "why", 250)));
            }
        }
        built.put("notice", notices);
        JsonObject question = ServerMessages.questionTrigger();
        JsonObject wave = ServerMessages.gestureTrigger("Wave", "Left");
        JsonObject taughtTrigger = ServerMessages.gestureTrigger("Spock", "Right");
        built.put("questionTrigger", List.of(ServerMessages.aiDelta(ANSWER_ID, "Hi", question)));
        built.put(
                "gestureTrigger",
                List.of(
                        ServerMessages.aiDelta(ANSWER_ID, "Hi", wave),
                        ServerMessages.aiDelta(ANSWER_ID, "Hi", taughtTrigger)));
        built.put(
                "aiDelta",
                List.of(
                        ServerMessages.aiDelta(ANSWER_ID, "That is ", question),
                        new AssistantEvent.Delta(ANSWER_ID, "a wave", wave).toWire(false),
                        new AssistantEvent.Thought(ANSWER_ID, "Let me think.", wave).toWire(true)));
        List<JsonObject> ends = new ArrayList<>();
        JsonObject completed =
                new JsonObject().put("ttftMs", 212.4).put("tokens", 48).put("tokensPerSec", 61.3);
        JsonObject cached = new JsonObject().put("ttftMs", 0.2).put("cached", true);
        for (AnswerEnding ending : AnswerEnding.values()) {
            if (ending != AnswerEnding.FAILED) {
                ends.add(ServerMessages.aiDone(ANSWER_ID, question, ending.wire(), null, null));
                ends.add(ServerMessages.aiDone(ANSWER_ID, wave, ending.wire(), "node-a", completed));
                ends.add(new AssistantEvent.Done(ANSWER_ID, wave, ending, "node-a", cached).toWire(false));
            }
        }
        built.put("aiDone", ends);
        List<JsonObject> failures = new ArrayList<>();
        for (String code : enumOf("ai_error", "code")) {
            failures.add(ServerMessages.aiError(ANSWER_ID, errorCode(code), "the assistant failed", ""));
            failures.add(new AssistantEvent.Failed(ANSWER_ID, errorCode(code), "failed", "Hel").toWire(true));
        }
        built.put("aiError", failures);
        List<JsonObject> statuses = new ArrayList<>();
        for (CircuitBreakerState state : CircuitBreakerState.values()) {
            statuses.add(
                    ServerMessages.assistant(true, state != CircuitBreakerState.OPEN, "llama3.2:1b", state.name()));
        }
        AssistantHealth absent = AssistantHealth.absent();
        statuses.add(
                new AssistantEvent.Status(false, absent.available(), absent.model(), absent.breaker()).toWire(false));
        built.put("assistant", statuses);
        built.put("pong", List.of(ServerMessages.pong(System.currentTimeMillis())));
        return built;
    }

    private static ErrorCode errorCode(String wire) {
        return Arrays.stream(ErrorCode.values())
                .filter(c -> c.wire().equals(wire))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the document's code " + wire + " is no ErrorCode"));
    }

    @Test
    @DisplayName("every message each ServerMessages builder makes, in each of its forms, is valid; they make every "
            + "server message the document lists")
    void builtServerMessagesPass() {
        Map<String, List<JsonObject>> built = builtMessages();
        Set<String> builders = Arrays.stream(ServerMessages.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getReturnType() == JsonObject.class)
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertSameSet(builders, built.keySet(), "ServerMessages's builders", "the builders checked here");
        Set<String> types = new TreeSet<>();
        built.forEach((builder, messages) -> {
            for (JsonObject m : messages) {
                assertEquals(List.of(), SCHEMA.serverViolations(m), builder + ": " + m.encode());
                types.add(m.getString("type"));
            }
        });
        assertSameSet(types, SCHEMA.serverTypes(), "the types ServerMessages builds", "the document's server messages");
    }

    @Test
    @DisplayName("a server message with a field the document does not list, a field missing or out of range fails")
    void offProtocolServerMessagesFail() {
        JsonObject hands = builtMessages().get("hands").get(1);
        List<JsonObject> wrong = new ArrayList<>();
        wrong.add(ServerMessages.pong(1).put("node", "node-a"));
        wrong.add(ServerMessages.stats(1, 1, 0, 0, 1).put("fpsDropped", 0));
        JsonObject noTiming = hands.copy();
        noTiming.remove("timing");
        wrong.add(noTiming);
        JsonObject shortHand = hands.copy();
        shortHand
                .getJsonArray("hands")
                .getJsonObject(0)
                .getJsonArray("landmarks")
                .remove(20);
        wrong.add(shortHand);
        JsonObject flatLandmark = hands.copy();
        flatLandmark
                .getJsonArray("hands")
                .getJsonObject(0)
                .getJsonArray("landmarks")
                .set(0, new JsonArray().add(0.1));
        wrong.add(flatLandmark);
        JsonObject untaught = hands.copy();
        untaught.getJsonArray("hands").getJsonObject(1).remove("taught");
        wrong.add(untaught); // "Spock" is no canned gesture
        wrong.add(ServerMessages.hands(-1, 0, 0, 0, List.of(), List.of(), ModelVariant.FULL, 0, 0, 0, 0, null));
        wrong.add(ServerMessages.error(ErrorCode.ASSISTANT_BUSY, "busy", false)); // ai_error's, not error's
        wrong.add(ServerMessages.aiError(ANSWER_ID, ErrorCode.BAD_MESSAGE, "no", ""));
        wrong.add(ServerMessages.dropped(3, DropReason.CLIENT_SLOW.tag()));
        wrong.add(ServerMessages.gesture("None", "Left", 1));
        wrong.add(ServerMessages.gesture("Wave", "left", 1));
        wrong.add(ServerMessages.assistant(true, true, "m", "BROKEN"));
        wrong.add(ServerMessages.aiDelta(ANSWER_ID, "x", new JsonObject().put("type", "timer")));
        wrong.add(ServerMessages.aiDone(ANSWER_ID, ServerMessages.questionTrigger(), "completed", null, null)
                .put("delta", "late"));
        wrong.add(ServerMessages.aiDelta(ANSWER_ID, "x", ServerMessages.questionTrigger())
                .put("stopped", true));
        wrong.add(new JsonObject().put("type", "hello"));
        for (JsonObject m : wrong) {
            assertFalse(SCHEMA.serverViolations(m).isEmpty(), "the document takes " + m.encode());
        }
        String why =
                String.join("\n", SCHEMA.serverViolations(ServerMessages.pong(1).put("node", "node-a")));
        assertTrue(why.contains("#/node") && why.contains("\"node\":\"node-a\""), why);
    }

    // ---- what the code enumerates ----------------------------------------------------------------------------------

    private static List<String> enumOf(String message, String property) {
        JsonObject schema = SCHEMA.component(message)
                .getJsonObject("payload")
                .getJsonObject("properties")
                .getJsonObject(property);
        return strings(schema.getJsonArray("enum"));
    }

    private static List<String> schemaEnum(String schema) {
        return strings(SCHEMA.resolve("#/components/schemas/" + schema).getJsonArray("enum"));
    }

    private static List<String> strings(JsonArray array) {
        List<String> strings = new ArrayList<>();
        array.forEach(v -> {
            if (v != null) {
                strings.add((String) v);
            }
        });
        return strings;
    }

    @Test
    @DisplayName("every ErrorCode is documented once: in error or in ai_error, and no code the code does not know")
    void everyErrorCodeIsDocumented() {
        List<String> inError = enumOf("error", "code");
        List<String> inAiError = enumOf("ai_error", "code");
        Set<String> documented = new HashSet<>(inError);
        assertTrue(inAiError.stream().noneMatch(documented::contains), "error and ai_error share no code");
        documented.addAll(inAiError);
        Set<String> wire =
                Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).collect(Collectors.toSet());
        assertSameSet(wire, documented, "ErrorCode", "the codes of error and ai_error");
    }

    @Test
    @DisplayName("every DropReason is documented: sent in dropped, or listed as counted only; and no other")
    void everyDropReasonIsDocumented() {
        List<String> sent = enumOf("dropped", "reason");
        List<String> countedOnly = strings(SCHEMA.component("dropped").getJsonArray("x-counted-only"));
        assertTrue(sent.stream().noneMatch(countedOnly::contains), sent + " and " + countedOnly + " overlap");
        Set<String> documented = new HashSet<>(sent);
        documented.addAll(countedOnly);
        assertSameSet(
                Arrays.stream(DropReason.values()).map(DropReason::tag).collect(Collectors.toSet()),
                documented,
                "DropReason",
                "dropped's reasons and x-counted-only");
        for (DropReason reason : DropReason.values()) {
            // A reason the client is told of as a dropped notice has no error, or one told only the first time.
            if (sent.contains(reason.tag()) && reason.code() != null) {
                assertTrue(
                        Set.of(DropReason.RATE_LIMITED, DropReason.OVER_CAPACITY)
                                .contains(reason),
                        reason + " is told as an error each time, not as dropped");
            }
        }
    }

    @Test
    @DisplayName("every ClientMessageType is a documented client message, and the document has no other")
    void everyClientMessageTypeIsDocumented() {
        assertSameSet(
                Arrays.stream(ClientMessageType.values())
                        .map(ClientMessageType::wire)
                        .collect(Collectors.toSet()),
                SCHEMA.clientTypes(),
                "ClientMessageType",
                "the document's client messages");
    }

    @Test
    @DisplayName("gestures, models, hands, breaker states and limits are the code's own")
    void enumerationsAreTheCodes() {
        assertEquals(Arrays.stream(Gesture.values()).map(Gesture::label).toList(), schemaEnum("CannedGesture"));
        assertEquals(MotionGestures.NAMES, schemaEnum("Movement"));
        assertEquals(GestureEvents.vocabulary(), schemaEnum("BuiltInGesture"));
        assertEquals(Arrays.stream(ModelVariant.values()).map(ModelVariant::id).toList(), schemaEnum("Model"));
        assertEquals(Arrays.stream(Handedness.values()).map(Handedness::label).toList(), schemaEnum("Handedness"));
        assertEquals(
                Arrays.stream(CircuitBreakerState.values()).map(Enum::name).collect(Collectors.toSet()),
                new HashSet<>(enumOf("assistant", "breaker")));
        assertEquals(
                ClientFrame.HEADER_BYTES,
                SCHEMA.resolve("#/components/schemas/Limits/properties/headerBytes")
                        .getInteger("const"));
        JsonObject teach = SCHEMA.component("teach").getJsonObject("payload").getJsonObject("properties");
        assertEquals(GestureRecording.MIN_FRAMES, teach.getJsonObject("frames").getInteger("minimum"));
        assertEquals(GestureRecording.MAX_FRAMES, teach.getJsonObject("frames").getInteger("maximum"));
        assertEquals(TeachRequest.DEFAULT_FRAMES, teach.getJsonObject("frames").getInteger("default"));
        assertEquals(
                AskRequest.MAX_QUESTION_CHARS,
                SCHEMA.resolve("#/components/messages/ask/payload/properties/text")
                        .getInteger("maxLength"));
        assertEquals(
                TaughtGesture.MAX_NAME_LENGTH,
                SCHEMA.resolve("#/components/schemas/TaughtGestureName").getInteger("maxLength"));
        assertEquals(
                2 * TaughtGestures.MAX_PER_USER,
                SCHEMA.resolve("#/components/messages/welcome/payload/properties/customGestures")
                        .getInteger("maxItems"),
                "the user's own gestures and their team's");
        assertEquals(
                NODE_MAX_HANDS,
                SCHEMA.resolve("#/components/schemas/MaxHandsRequest").getInteger("maximum"));
    }

    /** Fails naming what each side has that the other has not. */
    private static void assertSameSet(Set<String> code, Set<String> document, String codeSide, String documentSide) {
        Set<String> missing = new TreeSet<>(code);
        missing.removeAll(document);
        Set<String> extra = new TreeSet<>(document);
        extra.removeAll(code);
        assertTrue(
                missing.isEmpty() && extra.isEmpty(),
                "in " + codeSide + " but not in " + documentSide + ": " + missing + "; in " + documentSide
                        + " but not in " + codeSide + ": " + extra);
    }

    // ---- the document itself ---------------------------------------------------------------------------------------

    @Test
    @DisplayName("every reference resolves, and every message is on the channel and in an operation")
    void documentHangsTogether() {
        List<String> refs = new ArrayList<>();
        collectRefs(SCHEMA.document(), refs);
        assertFalse(refs.isEmpty());
        refs.forEach(SCHEMA::resolve);
        Set<String> components = new TreeSet<>(SCHEMA.document()
                .getJsonObject("components")
                .getJsonObject("messages")
                .fieldNames());
        Set<String> onChannel = new TreeSet<>(SCHEMA.document()
                .getJsonObject("channels")
                .getJsonObject("session")
                .getJsonObject("messages")
                .fieldNames());
        assertEquals(components, onChannel);
        Set<String> typed = new TreeSet<>(SCHEMA.clientTypes());
        typed.addAll(SCHEMA.serverTypes());
        typed.add(SCHEMA.binaryFrame().getString("name"));
        assertEquals(components, typed, "each message is in a send or receive operation, under its own type");
        JsonObject frame = SCHEMA.binaryFrame().getJsonObject("payload");
        assertEquals("string", frame.getString("type"));
        assertEquals("binary", frame.getString("format"));
        String layout = SCHEMA.binaryFrame().getString("description");
        for (String field :
                List.of("version", "flags", "sequence number", "uint32", "capture time", "int64", "image")) {
            assertTrue(layout.contains(field), "the frame's description lays out its " + field);
        }
    }

    private static void collectRefs(Object node, List<String> refs) {
        if (node instanceof JsonObject object) {
            if (object.getValue("$ref") instanceof String ref) {
                refs.add(ref);
            }
            object.forEach(e -> collectRefs(e.getValue(), refs));
        } else if (node instanceof JsonArray array) {
            array.forEach(v -> collectRefs(v, refs));
        }
    }

    @Test
    @DisplayName("each example in the document is valid for its own message")
    void examplesAreValid() {
        for (String type : SCHEMA.clientTypes()) {
            assertFalse(examples(type).isEmpty(), type + " has an example");
            for (JsonObject payload : examples(type)) {
                assertEquals(List.of(), SCHEMA.clientViolations(payload), type + " example " + payload.encode());
            }
        }
        for (String type : SCHEMA.serverTypes()) {
            assertFalse(examples(type).isEmpty(), type + " has an example");
            for (JsonObject payload : examples(type)) {
                assertEquals(List.of(), SCHEMA.serverViolations(payload), type + " example " + payload.encode());
            }
        }
    }

    private static List<JsonObject> examples(String type) {
        List<JsonObject> payloads = new ArrayList<>();
        SCHEMA.messageOfType(type)
                .getJsonArray("examples", new JsonArray())
                .forEach(e -> payloads.add(((JsonObject) e).getJsonObject("payload")));
        return payloads;
    }

    // ---- a client's record of what it sent --------------------------------------------------------------------------

    @Test
    @DisplayName(
            "validateClientMessages takes a JSON array of sent messages, checks binary frames by their header, and "
                    + "names each message that is off the protocol by its index")
    void validatesARecordOfSentMessages(@TempDir Path dir) throws Exception {
        byte[] frame = ClientFrame.encode(7, 1_764_400_000_000L, new byte[] {(byte) 0xff, (byte) 0xd8})
                .getBytes();
        JsonArray good = new JsonArray();
        validClientMessages().forEach(good::add);
        good.add(new JsonObject()
                .put("binary", true)
                .put("base64", Base64.getEncoder().encodeToString(frame))
                .put("seq", 7)
                .put("captureTs", 1_764_400_000_000L));
        good.add(new JsonObject().put("binary", true).put("bytes", 1234));
        Path sent = dir.resolve("sent.json");
        Files.writeString(sent, good.encodePrettily());
        assertEquals(good.size(), ProtocolSchema.validateClientMessages(sent));

        byte[] badVersion = frame.clone();
        badVersion[0] = 2;
        JsonArray bad = new JsonArray()
                .add(new JsonObject().put("type", "ping"))
                .add(new JsonObject().put("type", "teach"))
                .add(new JsonObject()
                        .put("binary", true)
                        .put("base64", Base64.getEncoder().encodeToString(badVersion)))
                .add(new JsonObject()
                        .put("binary", true)
                        .put("base64", Base64.getEncoder().encodeToString(frame))
                        .put("seq", 8))
                .add(new JsonObject()
                        .put("binary", true)
                        .put("base64", Base64.getEncoder().encodeToString(Arrays.copyOf(frame, 14))))
                .add("hello");
        Files.writeString(sent, bad.encode());
        String why = assertThrows(AssertionError.class, () -> ProtocolSchema.validateClientMessages(sent))
                .getMessage();
        assertTrue(why.startsWith("5 of the 6 client messages"), why);
        for (String expected : List.of(
                "[1] a client message 'teach'",
                "[2] a binary frame of version 2",
                "[3] a binary frame whose header has sequence 7, recorded as 8",
                "[4] a binary frame of 14 bytes",
                "[5] not a JSON object")) {
            assertTrue(why.contains(expected), expected + " in " + why);
        }
        assertFalse(why.contains("[0]"), why);

        Files.writeString(sent, "{\"type\": \"ping\"}");
        assertThrows(AssertionError.class, () -> ProtocolSchema.validateClientMessages(sent));
    }
}

package io.palmreader.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.config.Settings;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ProtocolSchema;
import io.palmreader.protocol.ServerMessages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An answer's stream: pieces, the length limit, history, the cache key, failures and endings")
class AnswerStreamTest {

    private static final long NOW_MS = 1_000_000;
    private static final int LIMIT = 10;

    /** The fake monotonic clock, in nanoseconds. */
    private long nanos = 5_000_000_000L;

    private final List<Double> firstTokens = new ArrayList<>();

    private static AssistantConfig config(long cacheTtlMs) {
        return AssistantConfig.from(new Settings(new JsonObject()
                .put("ollama", new JsonObject().put("breakerResetMs", 20_000))
                .put("assistant", new JsonObject().put("maxAnswerChars", LIMIT).put("cacheTtlMs", cacheTtlMs))));
    }

    private static AssistantRequest question(String text, String subject) {
        return new AssistantRequest(
                "s1", "c1", "a1", ServerMessages.questionTrigger(), text, new JsonArray(), null, subject);
    }

    private AnswerStream stream(AssistantRequest request, long cacheTtlMs) {
        return new AnswerStream(
                config(cacheTtlMs), "node-1", request, List.of(), NOW_MS, () -> nanos, firstTokens::add, ms -> {});
    }

    private AnswerStream stream() {
        return stream(question("Hi?", "alice"), 600_000);
    }

    private static String text(List<AssistantEvent> events) {
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(((AssistantEvent.Delta) e).text()));
        return text.toString();
    }

    @Test
    @DisplayName("each delta is sent as it comes, with the answer's id and trigger; together they make the answer")
    void deltasAreAssembled() {
        AnswerStream stream = stream();
        List<AssistantEvent> sent = new ArrayList<>();
        for (String piece : List.of("Hel", "lo", " you")) {
            AnswerStream.Piece p = stream.delta(piece);
            assertFalse(p.stopGenerating());
            assertEquals("a1", p.send().answerId());
            assertEquals("question", p.send().trigger().getString("type"));
            sent.add(p.send());
        }
        assertEquals("Hello you", text(sent));
        AnswerStream.End end = stream.completed(3, 42.04);
        assertEquals(AnswerEnding.COMPLETED, end.ending());
        assertEquals("Hello you", end.record().getString("answer"));
        assertEquals("Hi?", end.record().getString("question"));
        assertEquals("llama3.2:1b", end.record().getString("model"));
        AssistantEvent.Done done = (AssistantEvent.Done) end.events().get(0);
        assertEquals("node-1", done.node());
        assertEquals(3, done.stats().getInteger("tokens"));
        assertEquals(42.0, done.stats().getDouble("tokensPerSec"));
        assertEquals(42.04, end.tokensPerSecond());
    }

    @Test
    @DisplayName("the time to first token is on the injected clock, told once, and goes into the stats and the record")
    void timeToFirstTokenIsOnTheClock() {
        AnswerStream stream = stream();
        nanos += 123_400_000;
        stream.delta("a");
        nanos += 900_000_000;
        stream.delta("b");
        assertEquals(List.of(123.4), firstTokens);
        AnswerStream.End end = stream.completed(2, 10);
        assertEquals(123.4, ((AssistantEvent.Done) end.events().get(0)).stats().getDouble("ttftMs"));
        assertEquals(123.4, end.record().getDouble("ttftMs"));
    }

    @Test
    @DisplayName("an answer that just fits the limit is not cut; the next character is, and Ollama is stopped once")
    void truncationIsExactlyAtTheLimit() {
        AnswerStream stream = stream();
        assertFalse(stream.delta("12345").stopGenerating());
        AnswerStream.Piece fits = stream.delta("67890");
        assertEquals("67890", fits.send().text());
        assertFalse(fits.stopGenerating(), "exactly maxAnswerChars is not over it");
        AnswerStream.Piece over = stream.delta("x");
        assertEquals("", over.send().text());
        assertTrue(over.stopGenerating());
        AnswerStream.Piece after = stream.delta("more");
        assertNull(after.send(), "nothing is sent once the answer is cut");
        assertFalse(after.stopGenerating(), "Ollama is stopped once");
        AnswerStream.End end = stream.stopped();
        assertEquals(
                AnswerEnding.TRUNCATED, end.ending(), "a cut answer ends as truncated though its chat was stopped");
        assertEquals("1234567890", end.record().getString("answer"));
        assertEquals("truncated", end.outcome());
    }

    @Test
    @DisplayName("a piece crossing the limit is cut inside it; the answer ends as truncated whatever ended the chat")
    void pieceCrossingTheLimitIsCut() {
        AnswerStream stream = stream();
        stream.delta("123456789");
        AnswerStream.Piece cut = stream.delta("abc");
        assertEquals("a", cut.send().text());
        assertTrue(cut.stopGenerating());
        for (AnswerStream.End end :
                List.of(stream.completed(5, 1), stream.failed(new RuntimeException("x")), stream.paused())) {
            assertEquals(AnswerEnding.TRUNCATED, end.ending());
            AssistantEvent.Done done = (AssistantEvent.Done) end.events().get(0);
            assertEquals(AnswerEnding.TRUNCATED, done.ending());
            assertEquals("node-1", done.node());
            assertNull(done.stats());
            assertTrue(done.toWire(false).getBoolean("truncated"));
            assertNull(end.cacheText(), "a cut answer is not cached");
            assertEquals(
                    new JsonObject()
                            .put("role", "assistant")
                            .put("content", "123456789a")
                            .encode(),
                    end.history().get(1));
        }
    }

    @Test
    @DisplayName(
            "the conversation keeps the user's turn as prompted and the answer; a stopped or failed one keeps none")
    void historyContent() {
        JsonArray gestures = new JsonArray()
                .add(new JsonObject().put("name", "Victory").put("hand", "Left").put("at", NOW_MS - 2000));
        AssistantRequest request = new AssistantRequest(
                "s1", "c1", "a1", ServerMessages.questionTrigger(), "What now?", gestures, null, null);
        AnswerStream stream = stream(request, 0);
        stream.delta("Wave back.");
        List<String> history = stream.completed(2, 1).history();
        assertEquals(2, history.size());
        JsonObject user = new JsonObject(history.get(0));
        assertEquals("user", user.getString("role"));
        assertEquals(PromptBuilder.userText(request, NOW_MS), user.getString("content"));
        assertTrue(user.getString("content").contains("\"Victory\" (Left hand, 2 s ago)"), user.encode());
        assertEquals(
                new JsonObject().put("role", "assistant").put("content", "Wave back."), new JsonObject(history.get(1)));

        AnswerStream stopped = stream(request, 0);
        stopped.delta("Wa");
        assertEquals(List.of(), stopped.stopped().history());
        AnswerStream failed = stream(request, 0);
        failed.delta("Wa");
        assertEquals(
                List.of(),
                failed.failed(new AssistantFailure(ErrorCode.ASSISTANT_ERROR, "broke", true))
                        .history());
    }

    @Test
    @DisplayName("the cache key is the user's own: per subject and prompt, none without a subject, a frame or a TTL")
    void cacheKeyPerUser() {
        String alice = stream(question("Capital of France?", "alice"), 600_000).cacheKey();
        String aliceAgain =
                stream(question("Capital of France?", "alice"), 600_000).cacheKey();
        String bob = stream(question("Capital of France?", "bob"), 600_000).cacheKey();
        String aliceOther =
                stream(question("Capital of Spain?", "alice"), 600_000).cacheKey();
        assertTrue(alice.matches("palmreader:answer:[0-9a-f]{64}"), alice);
        assertEquals(alice, aliceAgain);
        assertNotEquals(alice, bob, "bob never gets alice's answer");
        assertNotEquals(alice, aliceOther);
        assertFalse(alice.contains("alice"), "keys do not show the subject");

        assertNull(stream(question("Capital of France?", null), 600_000).cacheKey(), "no subject, no cache");
        assertNull(stream(question("Capital of France?", "alice"), 0).cacheKey(), "cacheTtlMs 0 turns it off");
        AssistantRequest withFrame = new AssistantRequest(
                "s1", "c1", "a1", ServerMessages.questionTrigger(), "What?", new JsonArray(), "aGVsbG8=", "alice");
        assertNull(stream(withFrame, 600_000).cacheKey(), "a frame never repeats");

        AnswerStream cachedOne = stream(question("Capital of France?", "alice"), 600_000);
        cachedOne.delta("Paris.");
        assertEquals("Paris.", cachedOne.completed(2, 1).cacheText());
        AnswerStream anonymous = stream(question("Capital of France?", null), 600_000);
        anonymous.delta("Paris.");
        assertNull(anonymous.completed(2, 1).cacheText());
    }

    @Test
    @DisplayName("a cached answer is sent whole then done as cached, with no time to first token in its record")
    void cachedAnswer() {
        AnswerStream stream = stream();
        nanos += 2_000_000;
        AnswerStream.End end = stream.cached("Paris.");
        assertEquals(AnswerEnding.CACHED, end.ending());
        assertEquals("Paris.", ((AssistantEvent.Delta) end.events().get(0)).text());
        AssistantEvent.Done done = (AssistantEvent.Done) end.events().get(1);
        assertEquals(AnswerEnding.CACHED, done.ending());
        assertNull(done.node());
        assertTrue(done.stats().getBoolean("cached"));
        assertEquals(2.0, done.stats().getDouble("ttftMs"));
        assertNull(end.record().getValue("ttftMs"));
        assertEquals("cached", end.record().getString("outcome"));
        assertNull(end.cacheText(), "what came from the cache is not stored again");
        assertEquals(2, end.history().size());
    }

    @Test
    @DisplayName("a stopped answer is done as stopped, from no node, with what had arrived in its record")
    void stoppedAnswer() {
        AnswerStream stream = stream();
        stream.delta("Once upon");
        AnswerStream.End end = stream.stopped();
        AssistantEvent.Done done = (AssistantEvent.Done) end.events().get(0);
        assertEquals(AnswerEnding.STOPPED, done.ending());
        assertNull(done.node());
        assertNull(done.stats());
        assertTrue(done.toWire(true).getBoolean("stopped"));
        assertEquals("Once upon", end.record().getString("answer"));
        assertEquals("stopped", end.outcome());
        assertNull(end.error());
    }

    /** The failure an answer ends with, after {@code partial}. */
    private AssistantEvent.Failed failed(AnswerStream.End end, ErrorCode code, String partial) {
        assertEquals(AnswerEnding.FAILED, end.ending());
        assertEquals(code, end.code());
        assertEquals(code.wire(), end.outcome());
        assertEquals(code.wire(), end.record().getString("outcome"));
        assertEquals(partial, end.record().getString("answer"));
        AssistantEvent.Failed failed = (AssistantEvent.Failed) end.events().get(0);
        assertEquals(code, failed.code());
        assertEquals(partial, failed.partial());
        assertEquals(List.of(), end.history());
        assertNull(end.cacheText());
        return failed;
    }

    @Test
    @DisplayName("each failure has its code and a plain text for the client; Ollama's own words go to the log only")
    void failureCodesAndTexts() {
        AnswerStream unreachable = stream();
        AnswerStream.End end = unreachable.failed(new AssistantFailure(
                ErrorCode.ASSISTANT_UNAVAILABLE,
                "cannot reach Ollama at http://10.0.0.7:11434: nothing is listening there",
                true));
        assertEquals(
                "the assistant is unavailable; try again later",
                failed(end, ErrorCode.ASSISTANT_UNAVAILABLE, "").message());
        assertEquals("cannot reach Ollama at http://10.0.0.7:11434: nothing is listening there", end.error());

        AnswerStream paused = stream();
        end = paused.paused();
        assertEquals(
                "the assistant is paused after repeated failures; it tries again within 20 s",
                failed(end, ErrorCode.ASSISTANT_UNAVAILABLE, "").message());
        assertEquals(
                "the assistant is paused after repeated failures to reach Ollama; it tries again within 20 s",
                end.error());

        end = stream().failed(new AssistantFailure(ErrorCode.ASSISTANT_BUSY, "Ollama is busy: too many", true));
        assertEquals(
                "the assistant is busy; try again shortly",
                failed(end, ErrorCode.ASSISTANT_BUSY, "").message());
        assertEquals("Ollama is busy: too many", end.error());

        end = stream().failed(new AssistantFailure(ErrorCode.MODEL_NOT_FOUND, "install it with 'ollama pull'", false));
        assertEquals(
                "the assistant's model is not installed on its server",
                failed(end, ErrorCode.MODEL_NOT_FOUND, "").message());

        AnswerStream broken = stream();
        broken.delta("Hel");
        end = broken.failed(new AssistantFailure(ErrorCode.ASSISTANT_ERROR, "Ollama: unexpected EOF", true));
        assertEquals(
                "the assistant failed to answer",
                failed(end, ErrorCode.ASSISTANT_ERROR, "Hel").message());
        assertEquals("Ollama: unexpected EOF", end.error());

        end = stream().failed(new IllegalStateException("something else"));
        assertEquals(
                "the assistant failed to answer",
                failed(end, ErrorCode.ASSISTANT_ERROR, "").message());
        assertEquals("something else", end.error());
    }

    @Test
    @DisplayName("endings travel by their wire names and come back as the same ending; an unknown one is refused")
    void endingsTravel() {
        assertEquals(
                List.of("completed", "cached", "stopped", "truncated", "failed"),
                java.util.Arrays.stream(AnswerEnding.values())
                        .map(AnswerEnding::wire)
                        .toList());
        for (AnswerEnding ending : AnswerEnding.values()) {
            AssistantEvent.Done done =
                    new AssistantEvent.Done("a1", ServerMessages.questionTrigger(), ending, null, null);
            JsonObject json = done.toJson();
            assertEquals(ending.wire(), json.getString("ending"));
            assertEquals(done, AssistantEvent.fromJson(json));
        }
        assertThrows(IllegalArgumentException.class, () -> AnswerEnding.fromWire("finished"));
    }

    @Test
    @DisplayName("thoughts are timed on their own, not as the first token; hidden by default, marked with stream; "
            + "never in the answer, its history or its cache")
    void thoughtsApart() {
        List<Double> firstThoughts = new ArrayList<>();
        AnswerStream hidden = new AnswerStream(
                config(600_000),
                "node-1",
                question("Hi?", "alice"),
                List.of(),
                NOW_MS,
                () -> nanos,
                firstTokens::add,
                firstThoughts::add);
        nanos += 100_000_000;
        assertTrue(hidden.thought("Let me think.").isEmpty());
        nanos += 200_000_000;
        hidden.delta("Hello");
        assertEquals(List.of(100.0), firstThoughts);
        assertEquals(List.of(300.0), firstTokens);
        AnswerStream.End end = hidden.completed(1, 10);
        assertEquals("Hello", end.cacheText());
        assertFalse(String.join("", end.history()).contains("think"));

        AssistantConfig streaming = AssistantConfig.from(
                new Settings(new JsonObject().put("assistant", new JsonObject().put("reasoning", "stream"))));
        AnswerStream shown = new AnswerStream(
                streaming, "node-1", question("Hi?", "alice"), List.of(), NOW_MS, () -> nanos, ms -> {}, ms -> {});
        AssistantEvent event = shown.thought("Let me think.").orElseThrow();
        assertEquals(true, event.toWire(false).getBoolean("thinking"));
        assertEquals("Let me think.", event.toWire(false).getString("delta"));
        assertEquals(event, AssistantEvent.fromJson(event.toJson()));
        shown.delta("Hello");
        assertEquals("Hello", shown.completed(1, 10).record().getString("answer"));
    }

    @Test
    @DisplayName("every way an answer goes reaches its client as ai and ai_error messages docs/asyncapi.yaml describes")
    void wireMessagesFollowTheProtocol() {
        AssistantConfig streaming = AssistantConfig.from(new Settings(new JsonObject()
                .put("assistant", new JsonObject().put("reasoning", "stream").put("maxAnswerChars", LIMIT))));
        List<AssistantEvent> events = new ArrayList<>();
        for (JsonObject trigger :
                List.of(ServerMessages.questionTrigger(), ServerMessages.gestureTrigger("Wave", "Left"))) {
            AssistantRequest request = new AssistantRequest(
                    "s1",
                    "c1",
                    UUID.randomUUID().toString(),
                    trigger,
                    trigger.getString("type").equals("question") ? "Hi?" : null,
                    new JsonArray(),
                    null,
                    "alice");
            AnswerStream thinking =
                    new AnswerStream(streaming, "node-1", request, List.of(), NOW_MS, () -> nanos, ms -> {}, ms -> {});
            events.add(thinking.thought("Let me think.").orElseThrow());
            events.add(thinking.delta("Hello").send());
            events.addAll(thinking.completed(1, 12.34).events());
            events.addAll(stream(request, 600_000).completed(0, 0).events()); // no token came
            events.addAll(stream(request, 600_000).cached("Hello").events());
            AnswerStream stopped = stream(request, 600_000);
            events.add(stopped.delta("Hel").send());
            events.addAll(stopped.stopped().events());
            AnswerStream truncated = stream(request, 600_000);
            events.add(truncated.delta("x".repeat(LIMIT + 5)).send());
            events.addAll(truncated.completed(9, 1).events());
            for (ErrorCode code : List.of(
                    ErrorCode.ASSISTANT_UNAVAILABLE,
                    ErrorCode.ASSISTANT_BUSY,
                    ErrorCode.ASSISTANT_UNAUTHORIZED,
                    ErrorCode.ASSISTANT_ERROR,
                    ErrorCode.MODEL_NOT_FOUND)) {
                AnswerStream failing = stream(request, 600_000);
                events.add(failing.delta("Hel").send());
                events.addAll(failing.failed(new AssistantFailure(code, "upstream text", false))
                        .events());
            }
            events.addAll(stream(request, 600_000)
                    .failed(new IllegalStateException("odd"))
                    .events());
            events.addAll(stream(request, 600_000).paused().events());
        }
        for (AssistantEvent event : events) {
            for (boolean nodeNames : new boolean[] {true, false}) {
                ProtocolSchema.get().assertServerMessage(event.toWire(nodeNames));
            }
        }
    }
}

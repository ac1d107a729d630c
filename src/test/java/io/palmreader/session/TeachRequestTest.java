package io.palmreader.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gesture.GestureRecording;
import io.palmreader.gesture.HandShape;
import io.palmreader.gesture.TaughtGesture;
import io.palmreader.gesture.TaughtGestures;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ProtocolException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

@DisplayName("teach and forget: the name and frames checks, and what is refused with which code")
class TeachRequestTest {

    private static JsonObject teach(Object name, Object frames) {
        JsonObject m = new JsonObject().put("type", "teach").put("name", name);
        return frames == null ? m : m.put("frames", frames);
    }

    private static TaughtGestures taught(int count) {
        TaughtGestures set = TaughtGestures.NONE;
        for (int i = 0; i < count; i++) {
            set = set.with(TaughtGesture.of(
                    "g" + i, new TaughtGesture.Recording(List.of(new float[3 * HandShape.POINTS]), 5, "None", 0)));
        }
        return set;
    }

    private static void refused(ErrorCode code, String text, Executable request) {
        ProtocolException e = assertThrows(ProtocolException.class, request);
        assertEquals(code, e.code());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    @DisplayName("a good teach: the name stripped, the frames asked for or 15, replace if asked; adding is never over "
            + "the limit")
    void accepted() {
        assertEquals(
                new TeachRequest("Spock", 20, false),
                TeachRequest.teach(teach("  Spock ", 20), TaughtGestures.NONE, null));
        assertEquals(
                TeachRequest.DEFAULT_FRAMES,
                TeachRequest.teach(teach("Spock", null), TaughtGestures.NONE, null)
                        .frames());
        assertTrue(TeachRequest.teach(teach("Spock", 20).put("replace", true), TaughtGestures.NONE, null)
                .replace());
        refused(
                ErrorCode.BAD_MESSAGE,
                "replace must be true or false",
                () -> TeachRequest.teach(teach("Spock", 20).put("replace", "yes"), TaughtGestures.NONE, null));
        TaughtGestures full = taught(TaughtGestures.MAX_PER_USER);
        assertEquals("g3", TeachRequest.teach(teach("g3", 20), full, null).name(), "adding to a gesture: no limit");
    }

    @Test
    @DisplayName("frames out of range or not a whole number, and malformed names, are bad_message")
    void malformed() {
        refused(
                ErrorCode.BAD_MESSAGE,
                "frames must be",
                () -> TeachRequest.teach(teach("Spock", GestureRecording.MIN_FRAMES - 1), TaughtGestures.NONE, null));
        refused(
                ErrorCode.BAD_MESSAGE,
                "frames must be",
                () -> TeachRequest.teach(teach("Spock", GestureRecording.MAX_FRAMES + 1), TaughtGestures.NONE, null));
        refused(
                ErrorCode.BAD_MESSAGE,
                "frames must be",
                () -> TeachRequest.teach(teach("Spock", 7.5), TaughtGestures.NONE, null));
        refused(
                ErrorCode.BAD_MESSAGE,
                "name",
                () -> TeachRequest.teach(teach("<script>", 10), TaughtGestures.NONE, null));
        refused(
                ErrorCode.BAD_MESSAGE,
                "name",
                () -> TeachRequest.teach(teach("x".repeat(33), 10), TaughtGestures.NONE, null));
        refused(ErrorCode.BAD_MESSAGE, "name", () -> TeachRequest.teach(teach(42, 10), TaughtGestures.NONE, null));
    }

    @Test
    @DisplayName("a built-in's name, a recording in progress and the 32 per user are teach_failed; a re-teach is not")
    void cannotTeachNow() {
        refused(
                ErrorCode.TEACH_FAILED,
                "built-in",
                () -> TeachRequest.teach(teach("open_palm", 10), TaughtGestures.NONE, null));
        refused(
                ErrorCode.TEACH_FAILED,
                "already recording 'Spock'",
                () -> TeachRequest.teach(teach("Vulcan", 10), TaughtGestures.NONE, "Spock"));
        TaughtGestures full = taught(TaughtGestures.MAX_PER_USER);
        refused(ErrorCode.TEACH_FAILED, "limit reached", () -> TeachRequest.teach(teach("Spock", 10), full, null));
        assertEquals(
                "g3", TeachRequest.teach(teach("g3", 10), full, null).name(), "teaching a gesture again replaces it");
    }

    @Test
    @DisplayName("forget names one of the user's gestures; anything else is bad_message quoting at most 64 characters")
    void forget() {
        TaughtGestures two = taught(2);
        assertEquals("g1", TeachRequest.forget(new JsonObject().put("name", " g1 "), two));
        refused(
                ErrorCode.BAD_MESSAGE,
                "no taught gesture is named 'g7'",
                () -> TeachRequest.forget(new JsonObject().put("name", "g7"), two));
        refused(ErrorCode.BAD_MESSAGE, "'null'", () -> TeachRequest.forget(new JsonObject(), two));
        ProtocolException longName = assertThrows(
                ProtocolException.class,
                () -> TeachRequest.forget(new JsonObject().put("name", "y".repeat(5000)), two));
        assertTrue(longName.getMessage().length() < 120, longName.getMessage());
        assertNull(TeachRequest.nameOf(new JsonObject().put("name", 5)));
    }
}

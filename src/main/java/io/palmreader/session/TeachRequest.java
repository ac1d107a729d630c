package io.palmreader.session;

import io.palmreader.gesture.GestureRecording;
import io.palmreader.gesture.TaughtGesture;
import io.palmreader.gesture.TaughtGestures;
import io.palmreader.protocol.ClientInput;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ProtocolException;
import io.vertx.core.json.JsonObject;

/**
 * A {@code teach} or {@code forget} message's gesture, checked against the user's taught set; pure. A refusal is a
 * {@link ProtocolException} whose code says whether the message was malformed ({@code bad_message}) or the gesture
 * cannot be taught now ({@code teach_failed}).
 *
 * @param name    the gesture's name, stripped of surrounding spaces
 * @param frames  single-hand answers to gather as its examples
 * @param replace whether the recording replaces the gesture's examples rather than adding to them
 */
public record TeachRequest(String name, int frames, boolean replace) {

    /** Examples gathered when a {@code teach} does not say. */
    public static final int DEFAULT_FRAMES = 15;

    /** The message's {@code name}, stripped, or null when it is not a string: what a refusal names. */
    public static String nameOf(JsonObject message) {
        return message.getValue("name") instanceof String s ? s.strip() : null;
    }

    /**
     * A {@code teach}, checked in this order: the number of frames, {@code replace}, the name, a recording already in
     * progress, the per-user limit (a gesture taught again adds to itself, so it is never over the limit).
     *
     * @param recording the name of the gesture being recorded now, or null
     * @throws ProtocolException {@code bad_message} for frames out of range, a {@code replace} that is not a boolean or
     *                           a malformed name; {@code teach_failed}
     *                           for a built-in gesture's name, a recording in progress or the limit
     */
    public static TeachRequest teach(JsonObject message, TaughtGestures taught, String recording) {
        String name = nameOf(message);
        Object frames = message.getValue("frames", DEFAULT_FRAMES);
        if (!(frames instanceof Integer n && n >= GestureRecording.MIN_FRAMES && n <= GestureRecording.MAX_FRAMES)) {
            throw new ProtocolException(
                    ErrorCode.BAD_MESSAGE,
                    "frames must be a whole number from " + GestureRecording.MIN_FRAMES + " to "
                            + GestureRecording.MAX_FRAMES + ", was " + ClientInput.echo(frames));
        }
        Object replace = message.getValue("replace", false);
        if (!(replace instanceof Boolean)) {
            throw new ProtocolException(
                    ErrorCode.BAD_MESSAGE, "replace must be true or false, was " + ClientInput.echo(replace));
        }
        String problem = TaughtGesture.nameProblem(name);
        if (problem != null) {
            throw new ProtocolException(
                    TaughtGesture.builtIn(name) ? ErrorCode.TEACH_FAILED : ErrorCode.BAD_MESSAGE, problem);
        }
        if (recording != null) {
            throw new ProtocolException(ErrorCode.TEACH_FAILED, "already recording '" + recording + "'");
        }
        if (!taught.has(name) && taught.gestures().size() >= TaughtGestures.MAX_PER_USER) {
            throw limitReached();
        }
        return new TeachRequest(name, (Integer) frames, (Boolean) replace);
    }

    /**
     * A {@code forget}: the name of one of the user's taught gestures.
     *
     * @throws ProtocolException {@code bad_message} naming what is not one of them
     */
    public static String forget(JsonObject message, TaughtGestures taught) {
        String name = nameOf(message);
        if (name == null || !taught.has(name)) {
            throw new ProtocolException(
                    ErrorCode.BAD_MESSAGE, "no taught gesture is named '" + ClientInput.echo(name) + "'");
        }
        return name;
    }

    /** The user has {@link TaughtGestures#MAX_PER_USER} gestures already. */
    public static ProtocolException limitReached() {
        return new ProtocolException(
                ErrorCode.TEACH_FAILED,
                "limit reached: " + TaughtGestures.MAX_PER_USER + " taught gestures; forget one first");
    }
}

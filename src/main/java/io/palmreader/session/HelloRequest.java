package io.palmreader.session;

import io.palmreader.protocol.ClientInput;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ProtocolException;
import io.palmreader.vision.ModelVariant;
import io.vertx.core.json.JsonObject;

/**
 * A {@code hello} (or {@code config}) message's settings, checked; a field left out is null and changes nothing.
 *
 * @param maxHands    hands to find, 1 to the node's limit
 * @param model       lite or full
 * @param assistant   whether the assistant answers this session
 * @param attachFrame whether prompts carry the frame
 * @param resume      a resume token from an earlier session's {@code welcome}
 * @param fixedQuality {@code quality}: {@code fixed} keeps the model under load (frames shed instead), {@code adaptive}
 *                     lets the node run frames on the lite model rather than shed them
 */
public record HelloRequest(
        Integer maxHands,
        ModelVariant model,
        Boolean assistant,
        Boolean attachFrame,
        String resume,
        Boolean fixedQuality) {

    /**
     * @throws ProtocolException {@code bad_message} naming the field and what is allowed
     */
    public static HelloRequest parse(JsonObject hello, int maxHandsLimit) {
        Object hands = hello.getValue("maxHands");
        if (hands != null && !(hands instanceof Integer n && n >= 1 && n <= maxHandsLimit)) {
            throw new ProtocolException(
                    ErrorCode.BAD_MESSAGE,
                    "maxHands must be a whole number from 1 to " + maxHandsLimit + ", was " + ClientInput.echo(hands));
        }
        Object model = hello.getValue("model");
        if (model != null && !("lite".equals(model) || "full".equals(model))) {
            throw new ProtocolException(
                    ErrorCode.BAD_MESSAGE, "model must be 'lite' or 'full', was " + ClientInput.echo(model));
        }
        Object on = hello.getValue("assistant");
        Object frame = hello.getValue("attachFrame");
        if (on != null && !(on instanceof Boolean) || frame != null && !(frame instanceof Boolean)) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "assistant and attachFrame must be true or false");
        }
        Object quality = hello.getValue("quality");
        if (quality != null && !("fixed".equals(quality) || "adaptive".equals(quality))) {
            throw new ProtocolException(
                    ErrorCode.BAD_MESSAGE, "quality must be 'adaptive' or 'fixed', was " + ClientInput.echo(quality));
        }
        return new HelloRequest(
                (Integer) hands,
                model == null ? null : ModelVariant.parse((String) model),
                (Boolean) on,
                (Boolean) frame,
                hello.getValue("resume") instanceof String token ? token : null,
                quality == null ? null : quality.equals("fixed"));
    }
}

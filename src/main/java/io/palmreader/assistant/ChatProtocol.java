package io.palmreader.assistant;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What differs between the LLM servers the assistant talks to: where a chat is posted, how its body is laid out, how
 * the streamed answer reads and what an error status means. The HTTP call itself is the same for all ({@link ChatCall}).
 */
interface ChatProtocol {

    /** The chat endpoint, after the base URL. */
    String chatPath();

    /** What health probes, after the base URL: the server's list of models. */
    String probePath();

    /** Whether the list of models at {@link #probePath()} has {@code model}. */
    boolean lists(JsonObject models, String model);

    /**
     * The chat body: {@code messages} (system, history, then the user's turn as text) with the frame, if any, attached
     * to the last message as this server wants it.
     *
     * @param image the frame as base64, or null
     */
    JsonObject body(AssistantConfig config, JsonArray messages, String image);

    /** A reader for one chat's stream. */
    Decoder decoder();

    /**
     * The failure an error status stands for.
     *
     * @param error      the server's error text from the body
     * @param retryAfter the {@code Retry-After} header, or null
     */
    AssistantFailure statusFailure(int status, String error, String retryAfter);

    /** One piece of a streamed answer. */
    sealed interface Part {
        /** Text of the answer. */
        record Answer(String text) implements Part {}

        /** Text of the model's reasoning, which is never part of the answer. */
        record Thinking(String text) implements Part {}

        /** The answer is complete. */
        record Finished(ChatCall.Stats stats) implements Part {}

        /** The server reported a failure in the stream itself. */
        record Failed(AssistantFailure failure) implements Part {}
    }

    /** Reads one chat's stream line by line (the line without its {@code \n}), with no I/O. */
    interface Decoder {
        List<Part> line(String line);

        /** The stream has ended: what is still pending, and a failure if the answer never finished. */
        List<Part> ended();
    }
}

package io.palmreader.assistant;

import io.palmreader.protocol.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI-compatible {@code POST /chat/completions} with {@code stream: true} (vLLM, llama.cpp's server, LM Studio,
 * Ollama's {@code /v1}, hosted APIs): server-sent events, each {@code data:} a chunk whose
 * {@code choices[0].delta} holds the text, until {@code data: [DONE]}.
 */
final class OpenAiProtocol implements ChatProtocol {

    @Override
    public String chatPath() {
        return "/chat/completions";
    }

    @Override
    public String probePath() {
        return "/models";
    }

    @Override
    public boolean lists(JsonObject models, String model) {
        return models.getJsonArray("data", new JsonArray()).stream()
                .filter(JsonObject.class::isInstance)
                .anyMatch(m -> model.equals(((JsonObject) m).getString("id")));
    }

    @Override
    public JsonObject body(AssistantConfig config, JsonArray messages, String image) {
        if (image != null) {
            JsonObject user = messages.getJsonObject(messages.size() - 1);
            user.put(
                    "content",
                    new JsonArray()
                            .add(new JsonObject().put("type", "text").put("text", user.getString("content")))
                            .add(new JsonObject()
                                    .put("type", "image_url")
                                    .put("image_url", new JsonObject().put("url", "data:image/jpeg;base64," + image))));
        }
        return new JsonObject()
                .put("model", config.model())
                .put("messages", messages)
                .put("stream", true)
                // The token count comes in a last chunk of its own, where the server sends it.
                .put("stream_options", new JsonObject().put("include_usage", true));
    }

    @Override
    public AssistantFailure statusFailure(int status, String error, String retryAfter) {
        if (status == 404 || (error != null && error.contains("model_not_found"))) {
            return new AssistantFailure(
                    ErrorCode.MODEL_NOT_FOUND, "the server does not have the model (" + error + ")", false);
        }
        return Statuses.failure("the LLM server", status, error, retryAfter);
    }

    @Override
    public Decoder decoder() {
        return new SseDecoder();
    }

    /**
     * Server-sent events as the specification reads them: {@code data:} lines gather (joined by newlines) until a blank
     * line ends the event; lines beginning {@code :} are comments (keep-alives); other fields are ignored.
     */
    static final class SseDecoder implements Decoder {
        private final StringBuilder data = new StringBuilder();
        private boolean hasData;
        private boolean done;
        private int tokens;
        private String finishReason;

        @Override
        public List<Part> line(String raw) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (done) {
                return List.of();
            }
            if (line.isEmpty()) {
                return dispatch();
            }
            if (line.startsWith(":")) {
                return List.of();
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if ("data".equals(field)) {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value.startsWith(" ") ? value.substring(1) : value);
                hasData = true;
            }
            return List.of();
        }

        @Override
        public List<Part> ended() {
            List<Part> parts = new ArrayList<>(dispatch());
            if (!done && parts.stream().noneMatch(p -> p instanceof Part.Failed)) {
                parts.add(new Part.Failed(new AssistantFailure(
                        ErrorCode.ASSISTANT_ERROR, "the LLM server ended the answer without data: [DONE]", true)));
            }
            return parts;
        }

        private List<Part> dispatch() {
            if (!hasData || done) {
                return List.of();
            }
            String event = data.toString();
            data.setLength(0);
            hasData = false;
            if ("[DONE]".equals(event.trim())) {
                done = true;
                return List.of(new Part.Finished(new ChatCall.Stats(tokens, 0, finishReason)));
            }
            JsonObject chunk;
            try {
                chunk = new JsonObject(event);
            } catch (DecodeException | ClassCastException e) {
                done = true;
                return List.of(new Part.Failed(new AssistantFailure(
                        ErrorCode.ASSISTANT_ERROR, "the LLM server sent an event that is not JSON", true)));
            }
            if (chunk.containsKey("error")) {
                done = true;
                Object error = chunk.getValue("error");
                String text =
                        error instanceof JsonObject e ? e.getString("message", e.encode()) : String.valueOf(error);
                return List.of(new Part.Failed(
                        new AssistantFailure(ErrorCode.ASSISTANT_ERROR, "the LLM server: " + text, true)));
            }
            JsonObject usage = chunk.getJsonObject("usage");
            if (usage != null) {
                tokens = usage.getInteger("completion_tokens", tokens);
            }
            JsonArray choices = chunk.getJsonArray("choices");
            if (choices == null || choices.isEmpty()) {
                return List.of();
            }
            JsonObject choice = choices.getJsonObject(0);
            if (choice.getString("finish_reason") != null) {
                finishReason = choice.getString("finish_reason");
            }
            JsonObject delta = choice.getJsonObject("delta");
            if (delta == null) {
                return List.of();
            }
            List<Part> parts = new ArrayList<>(2);
            // vLLM, llama.cpp and DeepSeek name the thoughts reasoning_content; Ollama's /v1 and OpenRouter reasoning.
            Statuses.text(delta.getValue("reasoning_content"), Part.Thinking::new, parts);
            Statuses.text(delta.getValue("reasoning"), Part.Thinking::new, parts);
            Statuses.text(delta.getValue("content"), Part.Answer::new, parts);
            return parts;
        }
    }
}

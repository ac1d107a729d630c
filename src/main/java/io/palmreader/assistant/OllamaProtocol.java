package io.palmreader.assistant;

import io.palmreader.protocol.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Ollama's native {@code POST /api/chat}: one JSON object per line, the last with {@code done: true}. */
final class OllamaProtocol implements ChatProtocol {

    @Override
    public String chatPath() {
        return "/api/chat";
    }

    @Override
    public String probePath() {
        return "/api/tags";
    }

    @Override
    public boolean lists(JsonObject tags, String model) {
        // A model named without a tag is Ollama's ":latest".
        String wanted = model.contains(":") ? model : model + ":latest";
        return tags.getJsonArray("models", new JsonArray()).stream()
                .filter(JsonObject.class::isInstance)
                .map(m -> ((JsonObject) m).getString("name", ((JsonObject) m).getString("model")))
                .anyMatch(name -> wanted.equals(name) || model.equals(name));
    }

    @Override
    public JsonObject body(AssistantConfig config, JsonArray messages, String image) {
        if (image != null) {
            // Raw base64: Ollama refuses a data: URL prefix as illegal base64.
            messages.getJsonObject(messages.size() - 1).put("images", new JsonArray().add(image));
        }
        JsonObject body = new JsonObject()
                .put("model", config.model())
                .put("messages", messages)
                .put("stream", true);
        if (config.keepAlive() != null) {
            // Seconds as a number (-1: keep the model loaded), else a duration such as "10m".
            String k = config.keepAlive();
            body.put("keep_alive", k.matches("-?\\d+") ? (Object) Long.parseLong(k) : k);
        }
        if (config.streamReasoning()) {
            // Ollama then sends a thinking model's thoughts in message.thinking, apart from the answer.
            body.put("think", true);
        }
        if (!config.options().isEmpty()) {
            body.put("options", config.options());
        }
        return body;
    }

    @Override
    public AssistantFailure statusFailure(int status, String error, String retryAfter) {
        if (status == 404) {
            return new AssistantFailure(
                    ErrorCode.MODEL_NOT_FOUND,
                    "Ollama does not have the model (" + error
                            + "): install it with 'ollama pull MODEL' on the Ollama machine",
                    false);
        }
        return Statuses.failure("Ollama", status, error, retryAfter);
    }

    @Override
    public Decoder decoder() {
        return new Decoder() {
            private boolean done;

            @Override
            public List<Part> line(String line) {
                if (line.isBlank() || done) {
                    return List.of();
                }
                JsonObject chunk;
                try {
                    chunk = new JsonObject(line);
                } catch (DecodeException e) {
                    return List.of(new Part.Failed(new AssistantFailure(
                            ErrorCode.ASSISTANT_ERROR, "Ollama sent a line that is not JSON", true)));
                }
                if (chunk.containsKey("error")) {
                    // Ollama reports failures during generation in the stream itself; the status stays 200.
                    return List.of(new Part.Failed(new AssistantFailure(
                            ErrorCode.ASSISTANT_ERROR, "Ollama: " + chunk.getValue("error"), true)));
                }
                List<Part> parts = new ArrayList<>(2);
                JsonObject message = chunk.getJsonObject("message");
                if (message != null) {
                    Statuses.text(message.getValue("thinking"), Part.Thinking::new, parts);
                    Statuses.text(message.getValue("content"), Part.Answer::new, parts);
                }
                if (chunk.getBoolean("done", false)) {
                    done = true;
                    long evalCount = chunk.getLong("eval_count", 0L);
                    long evalNanos = chunk.getLong("eval_duration", 0L);
                    parts.add(new Part.Finished(new ChatCall.Stats(
                            (int) evalCount,
                            evalNanos > 0 ? evalCount * 1e9 / evalNanos : 0,
                            chunk.getString("done_reason"))));
                }
                return parts;
            }

            @Override
            public List<Part> ended() {
                return done
                        ? List.of()
                        : List.of(new Part.Failed(new AssistantFailure(
                                ErrorCode.ASSISTANT_ERROR, "Ollama ended the answer without its final chunk", true)));
            }
        };
    }
}

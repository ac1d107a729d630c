package io.palmreader.assistant;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Builds the chat body, in the LLM server's dialect ({@link ChatProtocol#body}): system prompt, the session's history, then this turn. Pure. */
final class PromptBuilder {

    private PromptBuilder() {}

    /**
     * The user's turn as text: the gesture timeline, then the question (or what the gesture asks for). Gesture names,
     * a user's taught ones among them, are written as quoted strings, so that a name such as
     * {@code ignore previous instructions} reads as a name and not as part of the sentence around it.
     */
    static String userText(AssistantRequest r, long nowMs) {
        StringBuilder text = new StringBuilder();
        if (!r.gestures().isEmpty()) {
            text.append("Recent gestures (names in quotes), oldest first:");
            for (Object g : r.gestures()) {
                JsonObject gesture = (JsonObject) g;
                long ago = Math.max(0, nowMs - gesture.getLong("at", nowMs)) / 1000;
                text.append(' ')
                        .append(quoted(gesture.getString("name")))
                        .append(" (")
                        .append(gesture.getString("hand"))
                        .append(" hand, ")
                        .append(ago)
                        .append(" s ago);");
            }
            text.append('\n');
        }
        if (r.question() != null) {
            text.append(r.question());
        } else {
            text.append("I just made the gesture named ")
                    .append(quoted(r.trigger().getString("name")))
                    .append(" with my ")
                    .append(r.trigger().getString("hand", ""))
                    .append(" hand. Respond to it in one or two sentences.");
        }
        return text.toString();
    }

    /**
     * A gesture's name as a JSON string literal: in double quotes, with any quote, backslash or control character in
     * it escaped, so that the name cannot end its own quotes (taught names cannot hold those characters; this holds
     * whatever the name).
     */
    static String quoted(String name) {
        return Json.encode(name == null ? "" : name);
    }

    static JsonObject chatBody(AssistantConfig config, List<JsonObject> history, AssistantRequest r, long nowMs) {
        JsonArray messages =
                new JsonArray().add(new JsonObject().put("role", "system").put("content", config.systemPrompt()));
        history.forEach(messages::add);
        messages.add(new JsonObject().put("role", "user").put("content", userText(r, nowMs)));
        return config.provider().protocol().body(config, messages, r.image());
    }
}

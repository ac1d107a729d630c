package io.palmreader.assistant;

import io.palmreader.protocol.ServerMessages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the gateway asks of the assistant for one session, as it travels on {@value AssistantAddresses#REQUESTS}.
 *
 * @param sessionId the session; answers go to {@code session.<id>}
 * @param conversationId whose history the prompt continues: the session's, or the one it resumed
 * @param answerId  the answer's id, echoed in every {@code ai} message
 * @param trigger   {@code {"type": "question"}} or {@code {"type": "gesture", "name": …, "hand": …}}
 * @param question  the user's text, or null for a gesture
 * @param gestures  the session's recent gestures, oldest first: {@code [{"name", "hand", "at"}]}
 * @param image     the triggering frame as base64 JPEG/PNG, or null
 * @param subject   the user's token subject with authentication on, else null: cached answers are the user's own
 */
public record AssistantRequest(
        String sessionId,
        String conversationId,
        String answerId,
        JsonObject trigger,
        String question,
        JsonArray gestures,
        String image,
        String subject) {

    /** The same request with {@code fitted} as its frame (as the LLM server gets it), or none. */
    AssistantRequest withImage(String fitted) {
        return new AssistantRequest(sessionId, conversationId, answerId, trigger, question, gestures, fitted, subject);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("sessionId", sessionId)
                .put("conversationId", conversationId)
                .put("answerId", answerId)
                .put("trigger", trigger)
                .put("question", question)
                .put("gestures", gestures)
                .put("image", image)
                .put("subject", subject);
    }

    public static AssistantRequest fromJson(JsonObject json) {
        return new AssistantRequest(
                json.getString("sessionId"),
                json.getString("conversationId", json.getString("sessionId")),
                json.getString("answerId"),
                json.getJsonObject("trigger", ServerMessages.questionTrigger()),
                json.getString("question"),
                json.getJsonArray("gestures", new JsonArray()),
                json.getString("image"),
                json.getString("subject"));
    }
}

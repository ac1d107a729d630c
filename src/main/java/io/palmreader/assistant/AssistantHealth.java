package io.palmreader.assistant;

import io.vertx.core.json.JsonObject;

/**
 * The assistant's state as {@value AssistantAddresses#STATUS} answers it: whether answers can come now, whether Ollama
 * answers at all, the model, the circuit breaker, and for operators where Ollama is and its last error.
 */
public record AssistantHealth(
        boolean available, boolean reachable, String model, String url, String breaker, String lastError) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("available", available)
                .put("reachable", reachable)
                .put("model", model)
                .put("url", url)
                .put("breaker", breaker)
                .put("lastError", lastError);
    }

    public static AssistantHealth fromJson(JsonObject json) {
        return new AssistantHealth(
                json.getBoolean("available", false),
                json.getBoolean("reachable", false),
                json.getString("model"),
                json.getString("url"),
                json.getString("breaker"),
                json.getString("lastError"));
    }

    /** When no assistant answers the status request. */
    public static AssistantHealth absent() {
        return new AssistantHealth(false, false, null, null, null, "no assistant is running");
    }
}

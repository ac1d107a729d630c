package io.palmreader.assistant;

import io.vertx.core.json.JsonObject;

/**
 * The assistant's state as {@value AssistantAddresses#STATUS} answers it: whether answers can come now, whether the LLM server
 * answers at all, its dialect, the model and whether the server lists it, the circuit breaker, and for operators where the server is and its last error.
 */
public record AssistantHealth(
        boolean available,
        boolean reachable,
        String provider,
        String model,
        Boolean modelListed,
        String url,
        String breaker,
        String lastError) {

    public JsonObject toJson() {
        return new JsonObject()
                .put("available", available)
                .put("reachable", reachable)
                .put("provider", provider)
                .put("model", model)
                .put("modelListed", modelListed)
                .put("url", url)
                .put("breaker", breaker)
                .put("lastError", lastError);
    }

    public static AssistantHealth fromJson(JsonObject json) {
        return new AssistantHealth(
                json.getBoolean("available", false),
                json.getBoolean("reachable", false),
                json.getString("provider"),
                json.getString("model"),
                json.getBoolean("modelListed"),
                json.getString("url"),
                json.getString("breaker"),
                json.getString("lastError"));
    }

    /** When no assistant answers the status request. */
    public static AssistantHealth absent() {
        return new AssistantHealth(false, false, null, null, null, null, null, "no assistant is running");
    }
}

package io.palmreader.protocol;

import io.vertx.core.json.JsonObject;

/** The client's text messages, for clients written in Java (the load client); see docs/protocol.md. */
public final class ClientMessages {

    private ClientMessages() {}

    /** A question for the assistant. */
    public static JsonObject ask(String text) {
        return new JsonObject().put("type", ClientMessageType.ASK.wire()).put("text", text);
    }
}

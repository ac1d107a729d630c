package io.palmreader.gateway;

import io.palmreader.testing.NodeExtension;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A node set up as a deployment behind a balancer runs it: tokens required (signed with a secret made for this
 * run), 127.0.0.1 its trusted proxy, echo inference; a test's own settings are merged over that.
 */
final class ProxiedNode {

    private ProxiedNode() {}

    /** The node, to register as the test's {@link NodeExtension}. */
    static NodeExtension node(JsonObject settings) {
        JsonObject preset = new JsonObject()
                .put("http", new JsonObject().put("trustedProxies", "127.0.0.1/32"))
                .put("inference", new JsonObject().put("mode", "echo"));
        return NodeExtension.node(preset.mergeIn(settings.copy(), true)).withTokens();
    }

    /**
     * An upgrade to {@code node} through the proxy for {@code forwardedFor} (null: the proxy's own), with {@code token}
     * in the subprotocol list (null: none, the token to come in a {@code hello}).
     */
    static WebSocketConnectOptions upgrade(NodeExtension node, String token, String forwardedFor) {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(node.port())
                .setURI("/ws")
                .setAllowOriginHeader(false);
        if (forwardedFor != null) {
            options.addHeader("X-Forwarded-For", forwardedFor);
        }
        return token == null ? options : options.setSubProtocols(List.of(TokenVerifier.SUBPROTOCOL, "bearer." + token));
    }
}

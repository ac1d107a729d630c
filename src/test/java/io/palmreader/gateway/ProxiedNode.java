package io.palmreader.gateway;

import io.palmreader.node.Node;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node in this JVM set up as a deployment behind a balancer runs it: tokens required (signed with a secret made for
 * this run), 127.0.0.1 its trusted proxy, echo inference; a test's own settings are merged over that.
 */
final class ProxiedNode implements AutoCloseable {

  final Vertx vertx;
  final Node node;
  final int port;
  final TokenIssuer issuer;

  private ProxiedNode(Vertx vertx, Node node, TokenIssuer issuer) {
    this.vertx = vertx;
    this.node = node;
    this.port = GatewayTestAccess.port(vertx);
    this.issuer = issuer;
  }

  static ProxiedNode start(JsonObject settings) throws Exception {
    String secret = TokenIssuer.randomSecret();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1").put("trustedProxies", "127.0.0.1/32"))
        .put("auth", new JsonObject().put("enabled", "true").put("jwtSecret", secret))
        .put("inference", new JsonObject().put("mode", "echo"))
        .mergeIn(settings, true);
    Vertx vertx = Node.createVertx();
    Node node = Node.start(vertx, config, "all").await(60, TimeUnit.SECONDS);
    return new ProxiedNode(vertx, node, new TokenIssuer(vertx, secret));
  }

  /**
   * An upgrade through the proxy for {@code forwardedFor} (null: the proxy's own), with {@code token} in the
   * subprotocol list (null: none, the token to come in a {@code hello}).
   */
  WebSocketConnectOptions upgrade(String token, String forwardedFor) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")
        .setAllowOriginHeader(false);
    if (forwardedFor != null) {
      options.addHeader("X-Forwarded-For", forwardedFor);
    }
    return token == null ? options : options.setSubProtocols(List.of(TokenVerifier.SUBPROTOCOL, "bearer." + token));
  }

  @Override
  public void close() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }
}

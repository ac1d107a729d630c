package io.palmreader.gateway;

import io.vertx.core.json.JsonObject;

/**
 * What a verified token allows: who the client is and the limits its claims set. Claims live under the token's
 * {@code palmreader} claim, e.g. {@code {"palmreader": {"maxFps": 15, "asksPerMinute": 5}}}; absent ones keep the
 * node's configuration.
 *
 * @param subject       the token's {@code sub}, for logs (never the token itself)
 * @param maxFps        frames per second for this client's sessions, or 0 for the node's setting
 * @param asksPerMinute questions per minute for this client's sessions, or -1 for the node's setting
 */
public record SessionGrant(String subject, int maxFps, int asksPerMinute) {

  /** Sessions of a node without authentication. */
  public static final SessionGrant ANONYMOUS = new SessionGrant("anonymous", 0, -1);

  static SessionGrant fromClaims(JsonObject claims) {
    JsonObject limits = claims.getValue("palmreader") instanceof JsonObject j ? j : new JsonObject();
    int fps = limits.getValue("maxFps") instanceof Number n ? Math.max(1, Math.min(1000, n.intValue())) : 0;
    int asks = limits.getValue("asksPerMinute") instanceof Number n ? Math.max(0, n.intValue()) : -1;
    return new SessionGrant(claims.getValue("sub") instanceof String s ? s : "unknown", fps, asks);
  }

  /** {@code config} with this grant's limits in place of the node's. */
  GatewayConfig applyTo(GatewayConfig config) {
    if (maxFps == 0 && asksPerMinute < 0) {
      return config;
    }
    return config.withSessionLimits(maxFps > 0 ? maxFps : config.maxFps(),
        asksPerMinute >= 0 ? asksPerMinute : config.asksPerMinute());
  }
}

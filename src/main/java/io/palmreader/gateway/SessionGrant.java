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

  /** Frames per second for this client's sessions: the claim's, or the node's {@code nodeMaxFps}. */
  int maxFps(int nodeMaxFps) {
    return maxFps > 0 ? maxFps : nodeMaxFps;
  }

  /** Questions per minute for this client's sessions: the claim's, or the node's {@code nodeAsks}. */
  int asksPerMinute(int nodeAsks) {
    return asksPerMinute >= 0 ? asksPerMinute : nodeAsks;
  }
}

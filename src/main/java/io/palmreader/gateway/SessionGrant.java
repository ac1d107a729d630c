package io.palmreader.gateway;

import io.vertx.core.json.JsonObject;

/**
 * What a verified token allows: who the client is and the limits its claims set. Claims live under the token's
 * {@code palmreader} claim, e.g. {@code {"palmreader": {"maxFps": 15, "asksPerMinute": 5}}}; they may lower this
 * node's limits, never raise or remove them, and absent ones keep the node's.
 *
 * @param subject       the token's {@code sub}, for logs and what the user owns (never the token itself); null
 *                      without authentication
 * @param maxFps        frames per second the claim asks for, or 0 for the node's setting
 * @param asksPerMinute questions per minute the claim asks for (0: none), or -1 for the node's setting
 * @param expiresAtMs   when the token expires ({@code exp}, ms since the epoch) and its session ends unless renewed,
 *                      or 0 for never (without authentication)
 */
public record SessionGrant(String subject, int maxFps, int asksPerMinute, long expiresAtMs) {

    /** Sessions of a node without authentication. */
    public static final SessionGrant ANONYMOUS = new SessionGrant(null, 0, -1, 0);

    /** From claims {@link TokenVerifier} has checked: {@code sub} is a string and {@code exp} a number. */
    static SessionGrant fromClaims(JsonObject claims) {
        JsonObject limits = claims.getValue("palmreader") instanceof JsonObject j ? j : new JsonObject();
        int fps = limits.getValue("maxFps") instanceof Number n ? Math.max(1, Math.min(1000, n.intValue())) : 0;
        int asks = limits.getValue("asksPerMinute") instanceof Number n ? Math.max(0, n.intValue()) : -1;
        return new SessionGrant(
                claims.getString("sub"), fps, asks, ((Number) claims.getValue("exp")).longValue() * 1000);
    }

    /** Who counts the questions: the token's subject across all its sessions, else this one session. */
    String user(String sessionId) {
        return subject != null ? "subject:" + subject : "session:" + sessionId;
    }

    /** Frames per second for this client's sessions: the claim's when lower than the node's. */
    int maxFps(int nodeMaxFps) {
        return maxFps > 0 ? Math.min(maxFps, nodeMaxFps) : nodeMaxFps;
    }

    /**
     * Questions per minute for this client's sessions: the claim's when lower than the node's (whose 0 is no limit);
     * a claim of 0 is no questions at all, {@link io.palmreader.session.SharedLimits#NONE}.
     */
    int asksPerMinute(int nodeAsks) {
        if (asksPerMinute < 0) {
            return nodeAsks;
        }
        if (asksPerMinute == 0) {
            return io.palmreader.session.SharedLimits.NONE;
        }
        return nodeAsks == 0 ? asksPerMinute : Math.min(asksPerMinute, nodeAsks);
    }
}

package io.palmreader.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

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
 * @param group         the token's {@code group} claim: the team whose shared gestures the user sees; null for none
 * @param gesturesWrite whether the token's scopes ({@code scope}, space-separated, or a {@code scope} or {@code scp}
 *                      list) include {@value #GESTURES_WRITE}: what the user teaches then belongs to the group
 */
public record SessionGrant(
        String subject, int maxFps, int asksPerMinute, long expiresAtMs, String group, boolean gesturesWrite) {

    /** Sessions of a node without authentication. */
    public static final SessionGrant ANONYMOUS = new SessionGrant(null, 0, -1, 0, null, false);

    /** The scope that lets a group's member change the group's gestures. */
    public static final String GESTURES_WRITE = "gestures:write";

    /** The longest group name a token may carry; longer ones are ignored, as the group is a store key's part. */
    static final int MAX_GROUP_LENGTH = 128;

    /** The group as the owner of its gestures in the store, or null without one. */
    String teamOwner() {
        return group == null ? null : "group:" + group;
    }

    /** Whether this user changes the group's gestures when teaching: a member with {@value #GESTURES_WRITE}. */
    boolean teachesForTeam() {
        return group != null && gesturesWrite;
    }

    /** From claims {@link TokenVerifier} has checked: {@code sub} is a string and {@code exp} a number. */
    static SessionGrant fromClaims(JsonObject claims) {
        JsonObject limits = claims.getValue("palmreader") instanceof JsonObject j ? j : new JsonObject();
        int fps = limits.getValue("maxFps") instanceof Number n ? Math.max(1, Math.min(1000, n.intValue())) : 0;
        int asks = limits.getValue("asksPerMinute") instanceof Number n ? Math.max(0, n.intValue()) : -1;
        String group = claims.getValue("group") instanceof String g
                        && !g.isBlank()
                        && g.length() <= MAX_GROUP_LENGTH
                        && g.chars().noneMatch(Character::isISOControl)
                ? g
                : null;
        return new SessionGrant(
                claims.getString("sub"),
                fps,
                asks,
                ((Number) claims.getValue("exp")).longValue() * 1000,
                group,
                scopes(claims).contains(GESTURES_WRITE));
    }

    /** OAuth's space-separated {@code scope} string, or a list under {@code scope} or {@code scp}. */
    static Set<String> scopes(JsonObject claims) {
        Set<String> scopes = new HashSet<>();
        for (String claim : new String[] {"scope", "scp"}) {
            Object value = claims.getValue(claim);
            if (value instanceof String text) {
                scopes.addAll(Arrays.asList(text.trim().split("\\s+")));
            } else if (value instanceof JsonArray list) {
                list.forEach(v -> {
                    if (v instanceof String text) {
                        scopes.add(text);
                    }
                });
            }
        }
        return scopes;
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

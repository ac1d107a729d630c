package io.palmreader.gateway;

import io.palmreader.observability.MetricTag;

/**
 * Why a connection was refused, as {@code palmreader_connections_refused_total} counts it, with what the client gets:
 * the HTTP status of a refused upgrade, or, once upgraded, a close with {@link #CLOSE_STATUS} and the reason. The one
 * mapping from such a refusal to the wire.
 */
enum ConnectionRefusal implements MetricTag {
    /** Not {@code /ws}. */
    PATH("path", 404),
    /** The node is stopping. */
    DRAINING("draining", 503),
    /** A browser page from an origin not allowed. */
    ORIGIN("origin", 403),
    /** No valid token (401 on the upgrade, or close 1008 after it with why the token was refused). */
    UNAUTHENTICATED("unauthenticated", 401),
    /** A session's token expired before a {@code hello} renewed it (close 1008 {@code token_expired}). */
    TOKEN_EXPIRED("token_expired", 401, TokenDeadline.EXPIRED),
    /** Too many connections are waiting to authenticate by {@code hello} ({@code auth.maxUnauthenticated}). */
    UNAUTHENTICATED_PENDING("unauthenticated_pending", 503),
    /** The address has {@code auth.maxUnauthenticatedPerAddress} connections waiting to authenticate already. */
    UNAUTHENTICATED_PENDING_PER_ADDRESS("unauthenticated_pending_per_address", 429),
    /** The node holds {@code http.maxConnections} connections already. */
    CONNECTIONS("connections", 503),
    /** A connection closed before it finished a request ({@code http.idleTimeoutMs} passed, or it gave up). */
    INCOMPLETE_REQUEST("incomplete_request", 408),
    /** The node holds {@code session.maxSessions} already. */
    SESSIONS("sessions", 503, "too many sessions on this node"),
    /** The address holds {@code session.maxSessionsPerAddress} already. */
    SESSIONS_PER_ADDRESS("sessions_per_address", 429, "too many sessions from this address");

    /** How an upgraded connection is closed when refused: policy violation. */
    static final short CLOSE_STATUS = 1008;
    /** The longest close reason: a close frame holds 123 bytes of it. */
    private static final int MAX_REASON_CHARS = 120;

    private final String tag;
    private final int status;
    private final String closeReason;

    ConnectionRefusal(String tag, int status) {
        this(tag, status, null);
    }

    ConnectionRefusal(String tag, int status, String closeReason) {
        this.tag = tag;
        this.status = status;
        this.closeReason = closeReason;
    }

    @Override
    public String tag() {
        return tag;
    }

    /** The HTTP status a refused upgrade gets. */
    int status() {
        return status;
    }

    /** The reason an upgraded connection is closed with: this refusal's own, else {@code detail}, cut to fit. */
    String closeReason(String detail) {
        String reason = closeReason != null ? closeReason : detail;
        return reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
    }
}

package io.palmreader.gateway;

import io.palmreader.observability.MetricTag;

/**
 * Why a connection was refused, with the HTTP status of a refused upgrade, as
 * {@code palmreader_connections_refused_total} counts it.
 */
enum ConnectionRefusal implements MetricTag {
  /** Not {@code /ws}. */
  PATH("path", 404),
  /** The node is stopping. */
  DRAINING("draining", 503),
  /** A browser page from an origin not allowed. */
  ORIGIN("origin", 403),
  /** No valid token (401 on the upgrade, or close 1008 after it). */
  UNAUTHENTICATED("unauthenticated", 401),
  /** A session's token expired before a {@code hello} renewed it (close 1008 {@code token_expired}). */
  TOKEN_EXPIRED("token_expired", 401),
  /** Too many connections are waiting to authenticate by {@code hello} ({@code auth.maxUnauthenticated}). */
  UNAUTHENTICATED_PENDING("unauthenticated_pending", 503),
  /** The address has {@code auth.maxUnauthenticatedPerAddress} connections waiting to authenticate already. */
  UNAUTHENTICATED_PENDING_PER_ADDRESS("unauthenticated_pending_per_address", 429),
  /** The node holds {@code http.maxConnections} connections already. */
  CONNECTIONS("connections", 503),
  /** A connection closed before it finished a request ({@code http.idleTimeoutMs} passed, or it gave up). */
  INCOMPLETE_REQUEST("incomplete_request", 408),
  /** The node holds {@code session.maxSessions} already. */
  SESSIONS("sessions", 503),
  /** The address holds {@code session.maxSessionsPerAddress} already. */
  SESSIONS_PER_ADDRESS("sessions_per_address", 429);

  private final String tag;
  private final int status;

  ConnectionRefusal(String tag, int status) {
    this.tag = tag;
    this.status = status;
  }

  @Override
  public String tag() {
    return tag;
  }

  /** The HTTP status a refused upgrade gets. */
  int status() {
    return status;
  }
}

package io.palmreader.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A session lasts as long as its token: at the token's {@code exp} (itself, not the verifier's leeway) the session
 * ends, unless a {@code hello} has brought a fresh token before then. The fresh token must verify and name the same
 * subject; its {@code exp} is then the deadline, earlier or later. Without authentication there is no deadline. On the
 * session's event loop.
 */
final class TokenDeadline {

    /** The close reason (with 1008) of a session whose token expired. */
    static final String EXPIRED = "token_expired";

    private final Vertx vertx;
    private final TokenVerifier tokens;
    private final SessionGrant grant;
    private final Runnable expired;
    private long timer = -1;
    private boolean stopped;

    /**
     * @param tokens  the node's verifier, or null without authentication
     * @param expired what ends the session when the deadline passes
     */
    TokenDeadline(Vertx vertx, TokenVerifier tokens, SessionGrant grant, Runnable expired) {
        this.vertx = vertx;
        this.tokens = tokens;
        this.grant = grant;
        this.expired = expired;
    }

    /** Arms the deadline of the token the session opened with. */
    void start() {
        arm(grant.expiresAtMs());
    }

    /**
     * Takes a fresh token from a {@code hello}: completes once it is verified and the deadline is its {@code exp}; fails
     * with the reason to close the session with when it does not verify or names another subject (a session never
     * changes whose it is). Without authentication a token is ignored.
     */
    Future<Void> renew(String token) {
        if (tokens == null) {
            return Future.succeededFuture();
        }
        return tokens.verify(token).compose(fresh -> {
            if (!grant.subject().equals(fresh.subject())) {
                return Future.failedFuture("token refused: another subject than the session's");
            }
            if (!stopped) {
                arm(fresh.expiresAtMs());
            }
            return Future.succeededFuture();
        });
    }

    /** The session is over: no deadline any more. */
    void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void arm(long expiresAtMs) {
        if (expiresAtMs <= 0) {
            return;
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        timer = vertx.setTimer(Math.max(1, expiresAtMs - System.currentTimeMillis()), t -> {
            timer = -1;
            expired.run();
        });
    }
}

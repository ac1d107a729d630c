package io.palmreader.gateway;

import io.palmreader.session.SharedLimits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of one gateway instance: opens each admitted socket's session with its limits, keeps it while it
 * lasts, hands it the node-wide notices (taught gestures changed), and drains them all on a graceful stop. On the
 * instance's event loop.
 */
final class SessionRegistry implements SessionAdmission.Opener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final SessionContext ctx;
    private final TokenVerifier tokens;
    private final SharedLimits limits;
    private final Set<ClientSession> sessions = new HashSet<>();

    /** @param tokens the node's verifier for renewals by {@code hello}, or null without authentication */
    SessionRegistry(SessionContext ctx, TokenVerifier tokens) {
        this.ctx = ctx;
        this.tokens = tokens;
        this.limits = limits(ctx.assistant().asksPerMinute());
    }

    private SharedLimits limits(int asksPerMinute) {
        return new SharedLimits(
                ctx.store(),
                asksPerMinute,
                ctx.assistant().asksPerMinutePerAddress(),
                ctx.gateway().maxFpsPerAddress());
    }

    @Override
    public ClientSession open(ServerWebSocket socket, SessionGrant grant, String address, Runnable release) {
        int asks = grant.asksPerMinute(ctx.assistant().asksPerMinute());
        // A token that sets its own question rate gets its own limits; the address limits are counted in the store
        // alike.
        SharedLimits sessionLimits = asks == ctx.assistant().asksPerMinute() ? limits : limits(asks);
        ClientSession session = new ClientSession(
                ctx, socket, address, grant, grant.maxFps(ctx.gateway().maxFps()), sessionLimits, tokens);
        sessions.add(session);
        session.onEnd(() -> {
            sessions.remove(session);
            release.run();
        });
        session.start();
        if (grant != SessionGrant.ANONYMOUS) {
            LOG.debug("session {} opened for subject {}", session.id(), grant.subject());
        }
        return session;
    }

    /** A user's taught gestures changed on some node ({@code {owner, session}}): that user's sessions here reload. */
    void onTaughtGesturesChanged(JsonObject change) {
        for (ClientSession s : sessions) {
            s.onTaughtGesturesChanged(change.getString("owner"), change.getString("session"));
        }
    }

    /**
     * Graceful stop: every session finishes its frames in flight, then tells its client to reconnect. Sessions still
     * draining after {@code timeoutMs} are closed, so that the stop is bounded whatever a client or a worker is doing.
     */
    Future<Void> drain(long timeoutMs) {
        List<Future<Void>> drains = new ArrayList<>();
        for (ClientSession s : new ArrayList<>(sessions)) {
            drains.add(s.drain());
        }
        LOG.info("gateway stopping: {} sessions told to reconnect once their frames are answered", drains.size());
        Promise<Void> drained = Promise.promise();
        long deadline = ctx.vertx().setTimer(Math.max(1, timeoutMs), t -> {
            List<ClientSession> open = new ArrayList<>(sessions);
            LOG.warn("gateway stopping: {} sessions still draining after {} ms, closed now", open.size(), timeoutMs);
            open.forEach(ClientSession::closeForShutdown);
            drained.tryComplete();
        });
        Future.join(drains).onComplete(ar -> {
            ctx.vertx().cancelTimer(deadline);
            drained.tryComplete();
        });
        return drained.future();
    }
}

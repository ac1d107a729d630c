package io.palmreader.gateway;

import io.palmreader.gesture.TaughtGesture;
import io.palmreader.gesture.TaughtGestures;
import io.palmreader.session.TaughtGestureRecords;
import io.palmreader.store.StoreKeys;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/gestures} and {@code PUT /api/gestures}: a user's or a team's taught gestures exported and imported
 * as JSON ({@code {"gestures": [...]}}, as stored). A token is required ({@code Authorization: Bearer}), checked
 * before any body is read; {@code ?set=own} or {@code ?set=team} says which set (the team's by default for a token
 * with a {@code group}, else the user's own). Writing the team's set needs the {@code gestures:write} scope. An import
 * is validated whole, as strictly as teaching over the socket, and replaces the set; the sessions it concerns, on
 * every node, load it at once.
 */
final class GestureSetRoutes {

    static final String PATH = "/api/gestures";

    private static final Logger LOG = LoggerFactory.getLogger(GestureSetRoutes.class);
    private static final String GRANT = "palmreader.grant";

    /** Bytes a number takes in an export, at most ("-1.2345," and spacing), with room for the names and fields. */
    private static final int BYTES_PER_NUMBER = 12;

    private final Vertx vertx;
    private final TokenVerifier tokens;
    private final TaughtGestureRecords records;
    private final int maxRecordings;

    GestureSetRoutes(Vertx vertx, TokenVerifier tokens, TaughtGestureRecords records, int maxRecordings) {
        this.vertx = vertx;
        this.tokens = tokens;
        this.records = records;
        this.maxRecordings = maxRecordings;
    }

    void mount(Router router) {
        router.route(PATH).handler(this::authenticate);
        router.get(PATH).handler(this::export);
        router.put(PATH).handler(BodyHandler.create(false).setBodyLimit(bodyLimit(maxRecordings)));
        router.put(PATH).handler(this::replace);
    }

    /** The largest export of a full set: every gesture with every recording of three shapes. */
    static long bodyLimit(int maxRecordings) {
        return 4096L
                + (long) TaughtGestures.MAX_PER_USER
                        * maxRecordings
                        * (TaughtGesture.Recording.MAX_SHAPES * 63L * BYTES_PER_NUMBER + 256);
    }

    private void authenticate(RoutingContext ctx) {
        if (tokens == null) {
            fail(ctx, 403, "gesture sets need authentication: this node takes no tokens");
            return;
        }
        String token = tokens.tokenOf(ctx.request().headers(), null);
        // Nothing of the body is read until the token is good.
        ctx.request().pause();
        tokens.verify(token).onComplete(ar -> {
            if (ar.failed()) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                fail(ctx, 401, ar.cause().getMessage());
                return;
            }
            ctx.put(GRANT, ar.result());
            if (ctx.request().method() != HttpMethod.PUT) {
                ctx.request().resume();
            }
            // A PUT stays paused: the body handler next sets its handlers and resumes it, so no byte is lost.
            ctx.next();
        });
    }

    /** Which set a request names, for this grant: the owner's key for the store, or null (answered already). */
    private String owner(RoutingContext ctx, SessionGrant grant) {
        String set = ctx.queryParams().get("set");
        if (set == null) {
            set = grant.group() != null ? "team" : "own";
        }
        switch (set) {
            case "own":
                return "subject:" + grant.subject();
            case "team":
                if (grant.group() == null) {
                    fail(ctx, 404, "the token names no group, so there is no team set");
                    return null;
                }
                return grant.teamOwner();
            default:
                fail(ctx, 400, "set must be 'own' or 'team'");
                return null;
        }
    }

    private void export(RoutingContext ctx) {
        SessionGrant grant = ctx.get(GRANT);
        String owner = owner(ctx, grant);
        if (owner == null) {
            return;
        }
        records.load(owner).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("gesture set could not be read: {}", ar.cause().getMessage());
                fail(ctx, 503, "the gesture store is unavailable; try again");
                return;
            }
            ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(ar.result().toJson().encode());
        });
    }

    private void replace(RoutingContext ctx) {
        SessionGrant grant = ctx.get(GRANT);
        String owner = owner(ctx, grant);
        if (owner == null) {
            return;
        }
        if (owner.equals(grant.teamOwner()) && !grant.gesturesWrite()) {
            fail(ctx, 403, "changing the team's gestures needs the " + SessionGrant.GESTURES_WRITE + " scope");
            return;
        }
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            fail(ctx, 415, "send the set as application/json");
            return;
        }
        TaughtGestures set;
        try {
            if (ctx.body().buffer() == null) {
                fail(ctx, 400, "expected {\"gestures\": [...]}");
                return;
            }
            set = TaughtGestures.parseStrict(new JsonObject(ctx.body().buffer()), maxRecordings);
        } catch (DecodeException e) {
            fail(ctx, 400, "expected a JSON object: {\"gestures\": [...]}");
            return;
        } catch (IllegalArgumentException e) {
            fail(ctx, 400, e.getMessage());
            return;
        }
        records.save(owner, set).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("gesture set could not be saved: {}", ar.cause().getMessage());
                fail(ctx, 503, "the gesture store is unavailable; try again");
                return;
            }
            vertx.eventBus()
                    .publish(
                            GestureTeaching.CHANGED,
                            new JsonObject()
                                    .put("owner", StoreKeys.taughtGestures(owner))
                                    .put("session", ""));
            ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject()
                            .put("gestures", set.names().size())
                            .put("names", set.names())
                            .encode());
        });
    }

    private static void fail(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}

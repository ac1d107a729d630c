package io.palmreader.observability;

import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A node's health routes: {@code /api/health/live} (the event loop answers), {@code /api/health/ready} (what must be
 * up to take work) and {@code /api/health} (that and what is only reported: a node serves without it). These are
 * public, so they say only each check's status: no addresses, no error text, no node names. The checks' details are
 * at {@code /api/health/details}, served beside {@code /metrics} (on {@code metrics.port} when set). Results are kept
 * for {@value RecentResult#TTL_MS} ms, so a flood of health requests never fans out to Ollama, Redis or the workers.
 */
public final class HealthRoutes {

    /** A check's own time limit: room for a probe that lands on a node just gone, and a second one. */
    public static final long CHECK_TIMEOUT_MS = 4000;

    private final Vertx vertx;
    private final HealthChecks live;
    private final HealthChecks ready;
    private final HealthChecks all;
    private final RecentResult<CheckResult> liveResult;
    private final RecentResult<CheckResult> readyResult;
    private final RecentResult<CheckResult> allResult;

    public HealthRoutes(Vertx vertx) {
        this.vertx = vertx;
        long startedMs = System.currentTimeMillis();
        // Live means this event loop still runs handlers: answering at all is the check.
        live = HealthChecks.create(vertx)
                .register(
                        "event-loop",
                        p -> p.complete(
                                Status.OK(new JsonObject().put("uptimeMs", System.currentTimeMillis() - startedMs))));
        ready = HealthChecks.create(vertx);
        all = HealthChecks.create(vertx);
        liveResult = new RecentResult<>(live::checkStatus);
        readyResult = new RecentResult<>(ready::checkStatus);
        allResult = new RecentResult<>(all::checkStatus);
    }

    /** A check the node is not ready without; also shown in {@code /api/health}. */
    public HealthRoutes readiness(String name, Handler<Promise<Status>> check) {
        ready.register(name, CHECK_TIMEOUT_MS, check);
        all.register(name, CHECK_TIMEOUT_MS, check);
        return this;
    }

    /** A check shown in {@code /api/health} only. */
    public HealthRoutes reported(String name, Handler<Promise<Status>> check) {
        all.register(name, CHECK_TIMEOUT_MS, check);
        return this;
    }

    /** Serves the public routes on {@code router}. */
    public void mount(Router router) {
        router.get("/api/health/live").handler(ctx -> respond(ctx, liveResult, false));
        router.get("/api/health/ready").handler(ctx -> respond(ctx, readyResult, false));
        router.get("/api/health").handler(ctx -> respond(ctx, allResult, false));
    }

    /** Serves every check with its details on {@code router}: the operators' one, beside {@code /metrics}. */
    public void mountDetails(Router router) {
        router.get("/api/health/details").handler(ctx -> respond(ctx, allResult, true));
    }

    private void respond(RoutingContext ctx, RecentResult<CheckResult> result, boolean details) {
        result.get().onComplete(ar -> {
            JsonObject body = ar.succeeded()
                    ? ar.result().toJson()
                    : new JsonObject().put("status", "DOWN").put("outcome", "DOWN");
            boolean up = ar.succeeded() && CheckResult.isUp(ar.result());
            ctx.response()
                    .setStatusCode(up ? 200 : 503)
                    .putHeader("Content-Type", "application/json;charset=UTF-8")
                    .putHeader("Cache-Control", "no-store")
                    .end((details ? body : statusesOnly(body)).encode());
        });
    }

    /** The result with each check's id and status and nothing else. */
    static JsonObject statusesOnly(JsonObject result) {
        JsonObject out = new JsonObject()
                .put("status", result.getString("status"))
                .put("outcome", result.getString("outcome", result.getString("status")));
        JsonArray checks = result.getJsonArray("checks");
        if (checks != null) {
            JsonArray kept = new JsonArray();
            for (Object c : checks) {
                JsonObject check = (JsonObject) c;
                JsonObject only =
                        new JsonObject().put("id", check.getString("id")).put("status", check.getString("status"));
                if (check.getJsonArray("checks") != null) {
                    only.put("checks", statusesOnly(check).getJsonArray("checks"));
                }
                kept.add(only);
            }
            out.put("checks", kept);
        }
        return out;
    }
}

package io.palmreader.observability;

import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * A node's health routes: {@code /api/health/live} (the event loop answers), {@code /api/health/ready} (what must be
 * up to take work) and {@code /api/health} (that and what is only reported: a node serves without it).
 */
public final class HealthRoutes {

  /** A check's own time limit: room for a probe that lands on a node just gone, and a second one. */
  public static final long CHECK_TIMEOUT_MS = 4000;

  private final HealthChecks live;
  private final HealthChecks ready;
  private final HealthChecks all;

  public HealthRoutes(Vertx vertx) {
    long startedMs = System.currentTimeMillis();
    // Live means this event loop still runs handlers: answering at all is the check.
    live = HealthChecks.create(vertx).register("event-loop", p -> p.complete(
        Status.OK(new JsonObject().put("uptimeMs", System.currentTimeMillis() - startedMs))));
    ready = HealthChecks.create(vertx);
    all = HealthChecks.create(vertx);
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

  /** Serves the three routes on {@code router}. */
  public void mount(Router router) {
    router.get("/api/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/api/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    router.get("/api/health").handler(HealthCheckHandler.createWithHealthChecks(all));
  }
}

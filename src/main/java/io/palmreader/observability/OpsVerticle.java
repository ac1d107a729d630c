package io.palmreader.observability;

import io.palmreader.config.Settings;
import io.palmreader.inference.InferenceAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * {@code /metrics} and {@code /api/health/live|ready} for nodes without a gateway (the {@code gpu} role), so that
 * Prometheus and Kubernetes see inference nodes too. Ready means this node's own workers answer.
 */
public final class OpsVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    Settings s = new Settings(config());
    Router router = Router.router(vertx);
    router.route("/metrics").handler(PrometheusScrapingHandler.create());
    router.get("/api/health/live").handler(HealthCheckHandler.createWithHealthChecks(HealthChecks.create(vertx)
        .register("event-loop", p -> p.complete(Status.OK()))));
    router.get("/api/health/ready").handler(HealthCheckHandler.createWithHealthChecks(HealthChecks.create(vertx)
        .register("inference", p -> vertx.eventBus().request(InferenceAddresses.FRAMES, null, new DeliveryOptions()
                .addHeader(InferenceAddresses.PROBE_HEADER, "1").setSendTimeout(2000).setLocalOnly(true))
            .onComplete(ar -> p.complete(ar.succeeded()
                ? Status.OK(new JsonObject().put("worker", String.valueOf(ar.result().body())))
                : Status.KO(new JsonObject().put("reason", ar.cause().getMessage())))))));
    return vertx.createHttpServer().requestHandler(router)
        .listen(s.integer("http.port", 8080, 0, 65535), s.string("http.host", "0.0.0.0"));
  }
}

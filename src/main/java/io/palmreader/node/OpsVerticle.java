package io.palmreader.node;

import io.palmreader.config.NodeConfig;
import io.palmreader.config.Settings;
import io.palmreader.inference.InferenceClient;
import io.palmreader.observability.HealthRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * {@code /metrics} and the health routes for nodes without a gateway (the {@code gpu} role), so that Prometheus and
 * Kubernetes see inference nodes too. Ready means this node's own workers answer.
 */
public final class OpsVerticle extends VerticleBase {

    /** Scrapes and health checks are no part of any trace. */
    private static final HttpServerOptions UNTRACED = new HttpServerOptions().setTracingPolicy(TracingPolicy.IGNORE);

    @Override
    public Future<?> start() {
        NodeConfig node = NodeConfig.from(new Settings(config()));
        Router router = Router.router(vertx);
        Router metrics = node.metricsPort() == 0 ? router : Router.router(vertx);
        metrics.route("/metrics").handler(PrometheusScrapingHandler.create());
        HealthRoutes health = new HealthRoutes(vertx)
                .readiness(
                        "inference",
                        p -> InferenceClient.probe(vertx, true)
                                .onComplete(ar -> p.complete(
                                        ar.succeeded()
                                                ? Status.OK(new JsonObject().put("worker", ar.result()))
                                                : Status.KO(new JsonObject()
                                                        .put(
                                                                "reason",
                                                                ar.cause().getMessage())))));
        health.mount(router);
        health.mountDetails(metrics);
        Future<?> metricsServer = metrics == router
                ? Future.succeededFuture()
                : vertx.createHttpServer(UNTRACED)
                        .requestHandler(metrics)
                        .listen(node.metricsPort(), node.metricsHost());
        return metricsServer.compose(
                v -> vertx.createHttpServer(UNTRACED).requestHandler(router).listen(node.port(), node.host()));
    }
}

package io.palmreader.gateway;

import io.palmreader.config.NodeConfig;
import io.palmreader.observability.HealthRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * Where {@code /metrics} and the detailed health routes are served: beside the client on the gateway's own router,
 * or, with {@code metrics.port} set, on a server of their own that only operators reach.
 */
final class MetricsRoutes {

    private MetricsRoutes() {}

    /** Mounts them on {@code router}, or starts their own server: completes once they are served. */
    static Future<?> serve(Vertx vertx, NodeConfig node, HealthRoutes health, Router router) {
        if (node.metricsPort() == 0) {
            mount(router, health);
            return Future.succeededFuture();
        }
        Router metricsRouter = Router.router(vertx);
        mount(metricsRouter, health);
        return vertx.createHttpServer(new HttpServerOptions().setTracingPolicy(TracingPolicy.IGNORE))
                .requestHandler(metricsRouter)
                .listen(node.metricsPort(), node.metricsHost());
    }

    private static void mount(Router router, HealthRoutes health) {
        router.route("/metrics").handler(PrometheusScrapingHandler.create());
        health.mountDetails(router);
    }
}

package io.palmreader.gateway;

import io.palmreader.assistant.AssistantClient;
import io.palmreader.eventlog.EventLog;
import io.palmreader.inference.InferenceClient;
import io.palmreader.observability.ClusterMembership;
import io.palmreader.observability.HealthRoutes;
import io.palmreader.store.KeyValueStore;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;

/**
 * The gateway's health checks: ready when some inference worker, on this node or another, answers a probe; the
 * assistant, the cluster, Kafka and Redis are reported, since hands and gestures go on without them.
 */
final class GatewayHealth {

    private static final long STATUS_TIMEOUT_MS = 1500;

    private GatewayHealth() {}

    static HealthRoutes of(Vertx vertx, KeyValueStore store, boolean eventLog, boolean redis) {
        HealthRoutes routes = new HealthRoutes(vertx)
                .readiness("inference", p -> inference(vertx, p))
                .reported(
                        "assistant",
                        p -> AssistantClient.health(vertx)
                                .onSuccess(h ->
                                        p.complete(h.available() ? Status.OK(h.toJson()) : Status.KO(h.toJson()))));
        ClusterMembership.of(vertx)
                .ifPresent(manager -> routes.reported("cluster", p -> {
                    // Hazelcast's own verdict (its partitions are safe), with the member count beside it.
                    Promise<Status> verdict = Promise.promise();
                    ClusterHealthCheck.createProcedure(vertx).handle(verdict);
                    verdict.future().onComplete(ar -> {
                        JsonObject data = new JsonObject()
                                .put("members", manager.getNodes().size())
                                .put("node", manager.getNodeId());
                        p.complete(
                                ar.succeeded() && ar.result().isOk() && manager.isActive()
                                        ? Status.OK(data)
                                        : Status.KO(data));
                    });
                }));
        if (eventLog) {
            // Kafka is DOWN while records cannot be delivered; they wait in the event log's buffer meanwhile.
            routes.reported(
                    "kafka",
                    p -> EventLog.status(vertx, STATUS_TIMEOUT_MS)
                            .onComplete(ar -> p.complete(
                                    ar.failed()
                                            ? Status.KO(new JsonObject().put("reason", "no event log is running"))
                                            : ar.result().getString("lastError") == null
                                                            || ar.result().getBoolean("connected", false)
                                                    ? Status.OK(ar.result())
                                                    : Status.KO(ar.result()))));
        }
        if (redis) {
            // Without Redis the node serves from memory: reported, but neither dead nor unready.
            routes.reported(
                    "redis",
                    p -> store.ping()
                            .onComplete(ar -> p.complete(
                                    ar.succeeded()
                                            ? Status.OK(new JsonObject().put("store", store.kind()))
                                            : Status.KO(new JsonObject()
                                                    .put("store", store.kind())
                                                    .put("reason", ar.cause().getMessage())))));
        }
        return routes;
    }

    private static void inference(Vertx vertx, Promise<Status> p) {
        InferenceClient.probe(vertx, false)
                .onComplete(ar -> p.complete(
                        ar.succeeded()
                                ? Status.OK(new JsonObject().put("worker", ar.result()))
                                : Status.KO(new JsonObject()
                                        .put("reason", ar.cause().getMessage()))));
    }
}

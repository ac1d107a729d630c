package io.palmreader.gateway;

import io.palmreader.assistant.AssistantAddresses;
import io.palmreader.config.Settings;
import io.palmreader.eventlog.EventLogVerticle;
import io.palmreader.inference.InferenceAddresses;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.protocol.ClientFrame;
import io.palmreader.session.KeyValueStore;
import io.palmreader.session.NodeStore;
import io.palmreader.session.SharedLimits;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge of a node, on an event loop: serves the browser client from {@code web/}, takes WebSocket sessions at
 * {@code /ws}, exposes {@code /metrics} and {@code /api/health}. Each connection becomes a {@link ClientSession}.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** How long the readiness probe waits for an inference worker to answer. */
  private static final long READINESS_PROBE_MS = 1500;
  /** A check's own time limit: room for a probe that lands on a node just gone, and a second one. */
  private static final long PROBE_PROCEDURE_MS = 4000;

  /** Local shared map where the gateway publishes the port it bound (useful with {@code http.port} 0). */
  public static final String NODE_MAP = "palmreader.node";
  public static final String HTTP_PORT_KEY = "httpPort";

  private GatewayConfig config;
  private PalmreaderMetrics metrics;
  private JsonObject capabilities;
  private KeyValueStore store;
  private SharedLimits limits;
  private HttpServer server;
  private boolean draining;
  private final java.util.Set<ClientSession> sessions = new java.util.HashSet<>();

  @Override
  public Future<?> start() {
    config = GatewayConfig.from(new Settings(config()));
    metrics = PalmreaderMetrics.get();
    Settings settings = new Settings(config());
    store = NodeStore.of(vertx, settings);
    limits = new SharedLimits(store, config.asksPerMinute(), config.asksPerMinutePerAddress(), config.maxFpsPerAddress());
    capabilities = new JsonObject()
        .put("node", config().getString("nodeId", "local"))
        .put("models", new JsonArray().add("lite").add("full"))
        .put("gestures", new JsonArray().add("None").add("Closed_Fist").add("Open_Palm").add("Pointing_Up")
            .add("Thumb_Down").add("Thumb_Up").add("Victory").add("ILoveYou").add("OK").add("Pinch"))
        .put("assistant", true);

    Router router = Router.router(vertx);
    router.route("/metrics").handler(PrometheusScrapingHandler.create());
    HealthChecks ready = HealthChecks.create(vertx).register("inference", PROBE_PROCEDURE_MS, this::probeInference);
    // Live means this event loop still runs handlers: answering at all is the check.
    long startedMs = System.currentTimeMillis();
    HealthChecks live = HealthChecks.create(vertx).register("event-loop", p -> p.complete(
        Status.OK(new JsonObject().put("uptimeMs", System.currentTimeMillis() - startedMs))));
    router.get("/api/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/api/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    // The assistant is reported but does not make the node unready: hands and gestures work without it.
    HealthChecks all = HealthChecks.create(vertx).register("inference", PROBE_PROCEDURE_MS, this::probeInference)
        .register("assistant", PROBE_PROCEDURE_MS, this::probeAssistant);
    if (vertx.isClustered()) {
      io.vertx.core.spi.cluster.ClusterManager cluster = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager();
      metrics.registry().gauge("palmreader.cluster.members", cluster, c -> c.getNodes().size());
      all.register("cluster", p -> p.complete(cluster.isActive()
          ? Status.OK(new JsonObject().put("members", cluster.getNodes().size()).put("node", cluster.getNodeId()))
          : Status.KO(new JsonObject().put("reason", "not a member of the cluster any more"))));
    }
    if (!settings.string("kafka.bootstrap", "").isBlank()) {
      all.register("kafka", PROBE_PROCEDURE_MS, this::probeEventLog);
    }
    if (!settings.string("redis.url", "").isBlank()) {
      // Without Redis the node serves from memory: reported, but neither dead nor unready.
      all.register("redis", p -> store.ping().onComplete(ar -> p.complete(ar.succeeded()
          ? Status.OK(new JsonObject().put("store", store.kind()))
          : Status.KO(new JsonObject().put("store", store.kind()).put("reason", ar.cause().getMessage())))));
    }
    router.get("/api/health").handler(HealthCheckHandler.createWithHealthChecks(all));
    router.route("/*").handler(StaticHandler.create("web").setCachingEnabled(false));

    // Messages up to four times the frame limit reach the session, which refuses them with frame_too_large and
    // carries on; beyond that the connection is closed (1009) before the bytes are buffered.
    int maxMessage = Math.max(ClientFrame.HEADER_BYTES + config.maxFrameBytes() * 4, 64 * 1024);
    HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
        .setMaxWebSocketMessageSize(maxMessage).setMaxWebSocketFrameSize(maxMessage)
        .setCompressionSupported(true);
    server = vertx.createHttpServer(options)
        .webSocketHandler(this::onWebSocket)
        .requestHandler(router);
    return server.listen().onSuccess(s -> {
      LOG.info("gateway listening on http://{}:{}/ (WebSocket /ws)", config.host(), s.actualPort());
      vertx.sharedData().getLocalMap(NODE_MAP).put(HTTP_PORT_KEY, s.actualPort());
    });
  }

  private void onWebSocket(ServerWebSocket socket) {
    if (!"/ws".equals(socket.path())) {
      socket.close((short) 1008, "WebSocket sessions are at /ws");
      return;
    }
    if (draining) {
      socket.close((short) 1001, "server restarting: reconnect");
      return;
    }
    ClientSession session = new ClientSession(UUID.randomUUID().toString(), socket, config, vertx, metrics,
        capabilities, store, limits);
    sessions.add(session);
    session.onEnd(() -> sessions.remove(session));
    session.start();
  }

  /** Graceful stop: take no new sessions, let in-flight frames finish, tell clients to reconnect, then close. */
  @Override
  public Future<?> stop() {
    draining = true;
    List<Future<Void>> drains = new ArrayList<>();
    for (ClientSession s : new ArrayList<>(sessions)) {
      drains.add(s.drain());
    }
    LOG.info("gateway stopping: {} sessions told to reconnect once their frames are answered", drains.size());
    return Future.join(drains).eventually(() -> server == null ? Future.succeededFuture() : server.close());
  }

  /** Kafka is DOWN while records cannot be delivered; they wait in the event log's buffer meanwhile. */
  private void probeEventLog(io.vertx.core.Promise<Status> promise) {
    vertx.eventBus().<JsonObject>request(EventLogVerticle.STATUS, null,
            new DeliveryOptions().setSendTimeout(READINESS_PROBE_MS))
        .onSuccess(reply -> promise.complete(reply.body().getString("lastError") == null || reply.body()
            .getBoolean("connected", false) ? Status.OK(reply.body()) : Status.KO(reply.body())))
        .onFailure(e -> promise.complete(Status.KO(new JsonObject().put("reason", "no event log is running"))));
  }

  private void probeAssistant(io.vertx.core.Promise<Status> promise) {
    vertx.eventBus().<JsonObject>request(AssistantAddresses.STATUS, null,
            new DeliveryOptions().setSendTimeout(READINESS_PROBE_MS))
        .onSuccess(reply -> promise.complete(reply.body().getBoolean("available", false)
            ? Status.OK(reply.body()) : Status.KO(reply.body())))
        .onFailure(e -> promise.complete(Status.KO(new JsonObject().put("reason", "no assistant is running"))));
  }

  /** Ready when some inference worker, on this node or another, answers a probe. */
  private void probeInference(io.vertx.core.Promise<Status> promise) {
    DeliveryOptions probe = new DeliveryOptions().addHeader(InferenceAddresses.PROBE_HEADER, "1")
        .setSendTimeout(READINESS_PROBE_MS);
    // Probes go round-robin: one may land on a worker whose node just died, so a second try asks another.
    vertx.eventBus().request(InferenceAddresses.FRAMES, null, probe)
        .recover(e -> vertx.eventBus().request(InferenceAddresses.FRAMES, null, probe))
        .onSuccess(reply -> promise.complete(Status.OK(new JsonObject().put("worker", String.valueOf(reply.body())))))
        .onFailure(e -> promise.complete(Status.KO(new JsonObject().put("reason", e.getMessage()))));
  }
}

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
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.MultiMap;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.handler.CorsHandler;
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

  private static final String CONNECTIONS_KEY = "connections";
  /** What the page needs and nothing more: its own scripts and styles, camera frames drawn to a canvas, its socket. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
      + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private GatewayConfig config;
  private AccessConfig access;
  private TokenVerifier tokens;
  private ConnectionCounts connections;
  private boolean tls;
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

    access = AccessConfig.from(settings);
    tokens = access.authRequired() ? new TokenVerifier(vertx, access) : null;
    ConnectionCounts fresh = new ConnectionCounts();
    Object shared = vertx.sharedData().getLocalMap(NODE_MAP).putIfAbsent(CONNECTIONS_KEY, fresh);
    connections = shared != null ? (ConnectionCounts) shared : fresh;
    String tlsKey = settings.string("http.tlsKeyPath", "");
    String tlsCert = settings.string("http.tlsCertPath", "");
    tls = !tlsKey.isBlank() && !tlsCert.isBlank();
    int metricsPort = settings.integer("metrics.port", 0, 0, 65535);

    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      securityHeaders(ctx.response().headers());
      ctx.next();
    });
    if (!access.allowedOrigins().isEmpty()) {
      router.route("/api/*").handler(CorsHandler.create().addOrigins(access.allowedOrigins())
          .allowedMethod(HttpMethod.GET));
    }
    if (metricsPort == 0) {
      router.route("/metrics").handler(PrometheusScrapingHandler.create());
    }
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
        .setCompressionSupported(true).setWebSocketSubProtocols(List.of(TokenVerifier.SUBPROTOCOL));
    if (tls) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setKeyPath(tlsKey).setCertPath(tlsCert));
    }
    server = vertx.createHttpServer(options)
        .webSocketHandshakeHandler(this::onHandshake)
        .requestHandler(router);
    Future<?> metricsServer = Future.succeededFuture();
    if (metricsPort != 0) {
      Router metricsRouter = Router.router(vertx);
      metricsRouter.route("/metrics").handler(PrometheusScrapingHandler.create());
      metricsServer = vertx.createHttpServer().requestHandler(metricsRouter)
          .listen(metricsPort, settings.string("metrics.host", "0.0.0.0"));
    }
    return metricsServer.compose(m -> server.listen()).onSuccess(s -> {
      LOG.info("gateway listening on {}://{}:{}/ (WebSocket /ws){}{}", tls ? "https" : "http", config.host(),
          s.actualPort(), access.authRequired() ? ", tokens required" : "",
          metricsPort == 0 ? "" : ", /metrics on port " + metricsPort);
      vertx.sharedData().getLocalMap(NODE_MAP).put(HTTP_PORT_KEY, s.actualPort());
    });
  }

  private void securityHeaders(MultiMap headers) {
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("X-Frame-Options", "DENY")
        .set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        .set("Cross-Origin-Opener-Policy", "same-origin");
    if (tls) {
      headers.set("Strict-Transport-Security", "max-age=31536000");
    }
  }

  /**
   * Decides on a WebSocket upgrade before it happens: path, draining, origin, token (when one is on the request),
   * and the node's session limits. Refusals are plain HTTP statuses, counted by reason.
   */
  private void onHandshake(ServerWebSocketHandshake handshake) {
    if (!"/ws".equals(handshake.path())) {
      refuse(handshake, "path", 404);
    } else if (draining) {
      refuse(handshake, "draining", 503);
    } else if (!access.originAllowed(handshake.headers().get("Origin"))) {
      refuse(handshake, "origin", 403);
    } else if (tokens == null) {
      admit(handshake, SessionGrant.ANONYMOUS);
    } else if (tokens.refusedUrlToken(handshake.query())) {
      refuse(handshake, "unauthenticated", 401);
    } else {
      String token = tokens.tokenOf(handshake.headers(), handshake.query());
      if (token == null) {
        admit(handshake, null); // the first message must be a hello carrying the token
      } else {
        tokens.verify(token).onComplete(ar -> {
          if (ar.succeeded()) {
            admit(handshake, ar.result());
          } else {
            refuse(handshake, "unauthenticated", 401);
          }
        });
      }
    }
  }

  private void refuse(ServerWebSocketHandshake handshake, String reason, int status) {
    metrics.connectionRefused(reason);
    handshake.reject(status);
  }

  /** Counts the session against the node's limits and upgrades; {@code grant} null: authenticate by hello. */
  private void admit(ServerWebSocketHandshake handshake, SessionGrant grant) {
    String address = handshake.remoteAddress() == null ? "unknown" : handshake.remoteAddress().host();
    String refusal = connections.admit(address, access.maxSessions(), access.maxSessionsPerAddress());
    if (refusal != null) {
      refuse(handshake, refusal, refusal.equals("sessions") ? 503 : 429);
      return;
    }
    boolean[] released = {false};
    Runnable release = () -> {
      if (!released[0]) {
        released[0] = true;
        connections.release(address);
      }
    };
    handshake.accept().onComplete(ar -> {
      if (ar.failed()) {
        release.run();
      } else if (grant != null) {
        startSession(ar.result(), grant, release);
      } else {
        awaitHelloToken(ar.result(), release);
      }
    });
  }

  /**
   * A connection whose upgrade carried no token gets {@code auth.helloTimeoutMs} to send a {@code hello} with one;
   * anything else first, a bad token or silence closes it with 1008 and the reason.
   */
  private void awaitHelloToken(ServerWebSocket socket, Runnable release) {
    long timer = vertx.setTimer(access.helloTimeoutMs(), t -> closeUnauthenticated(socket, release,
        "authentication required: send a hello with your token"));
    socket.closeHandler(v -> {
      vertx.cancelTimer(timer);
      release.run();
    });
    socket.binaryMessageHandler(b -> {
      vertx.cancelTimer(timer);
      closeUnauthenticated(socket, release, "authentication required before frames");
    });
    socket.textMessageHandler(text -> {
      vertx.cancelTimer(timer);
      socket.textMessageHandler(null);
      socket.binaryMessageHandler(null);
      JsonObject hello = text.length() <= config.maxTextBytes() ? parseObject(text) : null;
      if (hello == null || !"hello".equals(hello.getValue("type")) || !(hello.getValue("token") instanceof String t)) {
        closeUnauthenticated(socket, release, "authentication required: the first message must be a hello with a token");
        return;
      }
      tokens.verify(t).onComplete(ar -> {
        if (ar.failed()) {
          closeUnauthenticated(socket, release, ar.cause().getMessage());
        } else {
          hello.remove("token");
          startSession(socket, ar.result(), release).receiveText(hello.encode());
        }
      });
    });
  }

  private static JsonObject parseObject(String text) {
    try {
      return new JsonObject(text);
    } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
      return null;
    }
  }

  private void closeUnauthenticated(ServerWebSocket socket, Runnable release, String reason) {
    metrics.connectionRefused("unauthenticated");
    socket.close((short) 1008, reason.length() > 120 ? reason.substring(0, 120) : reason);
    release.run();
  }

  private ClientSession startSession(ServerWebSocket socket, SessionGrant grant, Runnable release) {
    GatewayConfig sessionConfig = grant.applyTo(config);
    SharedLimits sessionLimits = sessionConfig.asksPerMinute() == config.asksPerMinute() ? limits
        : new SharedLimits(store, sessionConfig.asksPerMinute(), config.asksPerMinutePerAddress(),
            config.maxFpsPerAddress());
    ClientSession session = new ClientSession(UUID.randomUUID().toString(), socket, sessionConfig, vertx, metrics,
        capabilities, store, sessionLimits);
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

package io.palmreader.gateway;

import io.palmreader.assistant.AssistantConfig;
import io.palmreader.config.NodeConfig;
import io.palmreader.config.Settings;
import io.palmreader.eventlog.EventLogConfig;
import io.palmreader.gesture.GestureEvents;
import io.palmreader.inference.InferenceClient;
import io.palmreader.inference.InferenceConfig;
import io.palmreader.observability.HealthRoutes;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.protocol.ClientFrame;
import io.palmreader.session.DropReason;
import io.palmreader.session.FrameMemory;
import io.palmreader.session.SharedLimits;
import io.palmreader.store.KeyValueStore;
import io.palmreader.store.NodeStore;
import io.palmreader.store.StoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge of a node, on an event loop: serves the browser client from {@code web/}, takes WebSocket sessions at
 * {@code /ws} ({@link SessionAdmission} decides who gets one, each becomes a {@link ClientSession}), exposes
 * {@code /metrics} and the health routes.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  /** Local shared map where the gateway publishes the port it bound (useful with {@code http.port} 0). */
  public static final String NODE_MAP = "palmreader.node";
  public static final String HTTP_PORT_KEY = "httpPort";
  private static final String CONNECTIONS_KEY = "connections";
  private static final String FRAME_MEMORY_KEY = "frameMemory";
  /** What the page needs and nothing more: its own scripts and styles, camera frames drawn to a canvas, its socket. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
      + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private NodeConfig node;
  private GatewayConfig config;
  private AccessConfig access;
  private AssistantConfig assistant;
  private SessionContext sessionContext;
  private SessionAdmission admission;
  private SharedLimits limits;
  private TokenVerifier tokens;
  private HttpServer server;
  private HttpConnections connections;
  private final Set<ClientSession> sessions = new HashSet<>();

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    node = NodeConfig.from(settings);
    config = GatewayConfig.from(settings);
    access = AccessConfig.from(settings);
    assistant = AssistantConfig.from(settings);
    InferenceConfig inference = InferenceConfig.from(settings);
    StoreConfig storeConfig = StoreConfig.from(settings);
    PalmreaderMetrics metrics = PalmreaderMetrics.get();
    metrics.declare("dropped", DropReason.values());
    metrics.declare("connections", ConnectionRefusal.values());
    metrics.declare("messages", MessageRefusal.values());
    KeyValueStore store = NodeStore.of(vertx, storeConfig);
    sessionContext = new SessionContext(vertx, config, assistant, inference.pipeline().model(),
        inference.pipeline().maxHands(), inference.pipeline().maxPixels(), config().getString("nodeId", node.nodeId()),
        capabilities(), store, metrics,
        new InferenceClient(vertx, config.answerTimeoutMs()), EventLogConfig.from(settings), sharedFrameMemory(),
        node);
    limits = new SharedLimits(store, assistant.asksPerMinute(), assistant.asksPerMinutePerAddress(),
        config.maxFpsPerAddress());
    tokens = access.authRequired() ? new TokenVerifier(vertx, access) : null;
    admission = new SessionAdmission(vertx, access, tokens, sharedConnectionCounts(), metrics, config.maxTextBytes(), this::openSession);

    Router router = Router.router(vertx);
    router.route().handler(this::securityHeaders);
    if (!access.allowedOrigins().isEmpty()) {
      router.route("/api/*").handler(CorsHandler.create().addOrigins(access.allowedOrigins())
          .allowedMethod(HttpMethod.GET));
    }
    HealthRoutes health = GatewayHealth.of(vertx, store, EventLogConfig.from(settings).enabled(), storeConfig.redis());
    health.mount(router);
    if (node.metricsPort() == 0) {
      router.route("/metrics").handler(PrometheusScrapingHandler.create());
      health.mountDetails(router);
    }
    router.route("/*").handler(StaticHandler.create("web").setCachingEnabled(false));
    connections = new HttpConnections(access.maxConnections(), metrics);
    server = vertx.createHttpServer(serverOptions()).connectionHandler(connections::onConnection)
        .webSocketHandshakeHandler(handshake -> {
          connections.requested(handshake.remoteAddress());
          admission.onHandshake(handshake);
        }).requestHandler(request -> {
          connections.requested(request.remoteAddress());
          router.handle(request);
        });
    // A user's taught gestures changed on some node: that user's sessions here load them again.
    vertx.eventBus().<JsonObject>consumer(GestureTeaching.CHANGED, m -> {
      for (ClientSession s : sessions) {
        s.onTaughtGesturesChanged(m.body().getString("owner"), m.body().getString("session"));
      }
    });
    return metricsServer(health).compose(v -> server.listen()).onSuccess(this::announce);
  }

  private JsonObject capabilities() {
    JsonObject capabilities = new JsonObject();
    String name = node.forClients(config().getString("nodeId", node.nodeId()));
    if (name != null) {
      capabilities.put("node", name);
    }
    return capabilities.put("models", new JsonArray().add("lite").add("full"))
        .put("gestures", new JsonArray(new ArrayList<>(GestureEvents.vocabulary())))
        .put("assistant", true);
  }

  /** The session counts of the node, shared by every gateway instance so that the limits hold per node. */
  private ConnectionCounts sharedConnectionCounts() {
    ConnectionCounts fresh = new ConnectionCounts();
    Object shared = vertx.sharedData().getLocalMap(NODE_MAP).putIfAbsent(CONNECTIONS_KEY, fresh);
    return shared != null ? (ConnectionCounts) shared : fresh;
  }

  /** The node's frame memory, shared by every gateway instance so that the budget holds per node. */
  private FrameMemory sharedFrameMemory() {
    FrameMemory fresh = new FrameMemory((long) config.frameMemoryMb() << 20);
    Object shared = vertx.sharedData().getLocalMap(NODE_MAP).putIfAbsent(FRAME_MEMORY_KEY, fresh);
    return shared != null ? (FrameMemory) shared : fresh;
  }

  private HttpServerOptions serverOptions() {
    // Messages up to four times the frame limit reach the session, which refuses them with frame_too_large and
    // carries on; beyond that the connection is closed (1009) before the bytes are buffered.
    int maxMessage = Math.max(ClientFrame.HEADER_BYTES + config.maxFrameBytes() * 4, 64 * 1024);
    HttpServerOptions options = new HttpServerOptions().setHost(node.host()).setPort(node.port())
        .setMaxWebSocketMessageSize(maxMessage).setMaxWebSocketFrameSize(maxMessage)
        .setCompressionSupported(true).setWebSocketSubProtocols(List.of(TokenVerifier.SUBPROTOCOL))
        // No WebSocket compression: Netty inflates without an output cap while the message limit counts wire bytes,
        // so one deflated megabyte could become a gigabyte of heap before any token. Frames are JPEG (which does not
        // compress) and text messages are small, so nothing is lost by never offering it.
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        // A connection that sends nothing, or a request that never finishes, is closed; open sessions ping.
        .setIdleTimeout(access.idleTimeoutMs()).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setKeyPath(config.tlsKeyPath())
          .setCertPath(config.tlsCertPath()));
    }
    return options;
  }

  private Future<?> metricsServer(HealthRoutes health) {
    if (node.metricsPort() == 0) {
      return Future.succeededFuture();
    }
    Router metricsRouter = Router.router(vertx);
    metricsRouter.route("/metrics").handler(PrometheusScrapingHandler.create());
    health.mountDetails(metricsRouter);
    return vertx.createHttpServer().requestHandler(metricsRouter).listen(node.metricsPort(), node.metricsHost());
  }

  private void announce(HttpServer listening) {
    LOG.info("gateway listening on {}://{}:{}/ (WebSocket /ws){}{}", config.tls() ? "https" : "http", node.host(),
        listening.actualPort(), access.authRequired() ? ", tokens required" : "",
        node.metricsPort() == 0 ? "" : ", /metrics on port " + node.metricsPort());
    vertx.sharedData().getLocalMap(NODE_MAP).put(HTTP_PORT_KEY, listening.actualPort());
  }

  private void securityHeaders(RoutingContext ctx) {
    ctx.response().headers().set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("X-Frame-Options", "DENY")
        .set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        .set("Cross-Origin-Opener-Policy", "same-origin");
    if (config.tls()) {
      ctx.response().headers().set("Strict-Transport-Security", "max-age=31536000");
    }
    ctx.next();
  }

  private ClientSession openSession(ServerWebSocket socket, SessionGrant grant, String address, Runnable release) {
    int asks = grant.asksPerMinute(assistant.asksPerMinute());
    // A token that sets its own question rate gets its own limits; the address limits are counted in the store alike.
    SharedLimits sessionLimits = asks == assistant.asksPerMinute() ? limits : new SharedLimits(sessionContext.store(),
        asks, assistant.asksPerMinutePerAddress(), config.maxFpsPerAddress());
    ClientSession session = new ClientSession(sessionContext, socket, address, grant, grant.maxFps(config.maxFps()),
        sessionLimits, tokens);
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
    admission.drain();
    List<Future<Void>> drains = new ArrayList<>();
    for (ClientSession s : new ArrayList<>(sessions)) {
      drains.add(s.drain());
    }
    LOG.info("gateway stopping: {} sessions told to reconnect once their frames are answered", drains.size());
    // Half of node.stopTimeoutMs for the frames in flight; sessions still open then are closed, so that the stop is
    // bounded whatever a client or a worker is doing.
    Promise<Void> drained = Promise.promise();
    long deadline = vertx.setTimer(Math.max(1, node.stopTimeoutMs() / 2), t -> {
      List<ClientSession> open = new ArrayList<>(sessions);
      LOG.warn("gateway stopping: {} sessions still draining after {} ms, closed now", open.size(),
          node.stopTimeoutMs() / 2);
      open.forEach(ClientSession::closeForShutdown);
      drained.tryComplete();
    });
    Future.join(drains).onComplete(ar -> {
      vertx.cancelTimer(deadline);
      drained.tryComplete();
    });
    return drained.future().eventually(() -> server == null ? Future.succeededFuture() : server.close());
  }
}

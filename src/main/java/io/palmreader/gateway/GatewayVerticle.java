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
import io.palmreader.protocol.ServerMessages;
import io.palmreader.session.DropReason;
import io.palmreader.session.TaughtGestureRecords;
import io.palmreader.store.KeyValueStore;
import io.palmreader.store.NodeStore;
import io.palmreader.store.StoreConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge of a node, on an event loop: serves the browser client from {@code web/}, takes WebSocket sessions at
 * {@code /ws} ({@link SessionAdmission} decides who gets one, the {@link SessionRegistry} opens and keeps them),
 * exposes {@code /metrics} and the health routes. It only wires: the parts are built from the config records here.
 */
public final class GatewayVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

    /** Local shared map where the gateway publishes the port it bound (useful with {@code http.port} 0). */
    public static final String NODE_MAP = "palmreader.node";

    public static final String HTTP_PORT_KEY = "httpPort";

    private NodeConfig node;
    private GatewayConfig config;
    private AccessConfig access;
    private SessionAdmission admission;
    private SessionRegistry sessions;
    private HttpServer server;

    @Override
    public Future<?> start() {
        Settings settings = new Settings(config());
        node = NodeConfig.from(settings);
        config = GatewayConfig.from(settings);
        access = AccessConfig.from(settings);
        InferenceConfig inference = InferenceConfig.from(settings);
        StoreConfig storeConfig = StoreConfig.from(settings);
        EventLogConfig eventLog = EventLogConfig.from(settings);
        PalmreaderMetrics metrics = PalmreaderMetrics.get();
        metrics.declare("dropped", DropReason.values());
        metrics.declare("connections", ConnectionRefusal.values());
        metrics.declare("messages", MessageRefusal.values());
        KeyValueStore store = NodeStore.of(vertx, storeConfig);
        SessionContext sessionContext = new SessionContext(
                vertx,
                config,
                AssistantConfig.from(settings),
                inference.pipeline().model(),
                inference.pipeline().maxHands(),
                inference.pipeline().maxPixels(),
                new ServerMessages.Capabilities(node.forClients(node.nodeId()), GestureEvents.vocabulary(), true),
                store,
                metrics,
                new InferenceClient(vertx, config.answerTimeoutMs()),
                eventLog,
                NodeShared.frameMemory(vertx, config),
                node);
        TokenVerifier tokens = access.authRequired() ? new TokenVerifier(vertx, access) : null;
        sessions = new SessionRegistry(sessionContext, tokens);
        admission = new SessionAdmission(
                vertx, access, tokens, NodeShared.connectionCounts(vertx), metrics, config.maxTextBytes(), sessions);
        // A user's taught gestures changed on some node: that user's sessions here load them again.
        vertx.eventBus().<JsonObject>consumer(GestureTeaching.CHANGED, m -> sessions.onTaughtGesturesChanged(m.body()));

        Router router = Router.router(vertx);
        router.route().handler(new SecurityHeaders(config.tls()));
        if (!access.allowedOrigins().isEmpty()) {
            router.route("/api/*")
                    .handler(CorsHandler.create()
                            .addOrigins(access.allowedOrigins())
                            .allowedMethod(HttpMethod.GET));
        }
        HealthRoutes health = GatewayHealth.of(vertx, store, eventLog.enabled(), storeConfig.redis());
        health.mount(router);
        new GestureSetRoutes(
                        vertx,
                        tokens,
                        new TaughtGestureRecords(vertx, store, config.taughtTtlDays() * 86_400_000L),
                        config.maxRecordings())
                .mount(router);
        Future<?> metricsServed = MetricsRoutes.serve(vertx, node, health, router);
        router.route("/*").handler(StaticHandler.create("web").setCachingEnabled(false));
        HttpConnections connections = new HttpConnections(access.maxConnections(), metrics);
        server = vertx.createHttpServer(GatewayServerOptions.of(node, config, access))
                .connectionHandler(connections::onConnection)
                .webSocketHandshakeHandler(handshake -> {
                    connections.requested(handshake.remoteAddress());
                    admission.onHandshake(handshake);
                })
                .requestHandler(request -> {
                    connections.requested(request.remoteAddress());
                    router.handle(request);
                });
        return metricsServed.compose(v -> server.listen()).onSuccess(this::announce);
    }

    private void announce(HttpServer listening) {
        LOG.info(
                "gateway listening on {}://{}:{}/ (WebSocket /ws){}{}",
                config.tls() ? "https" : "http",
                node.host(),
                listening.actualPort(),
                access.authRequired() ? ", tokens required" : "",
                node.metricsPort() == 0 ? "" : ", /metrics on port " + node.metricsPort());
        NodeShared.announcePort(vertx, listening.actualPort());
    }

    /** Graceful stop: take no new sessions, let in-flight frames finish, tell clients to reconnect, then close. */
    @Override
    public Future<?> stop() {
        admission.drain();
        // Half of node.stopTimeoutMs for the frames in flight, the rest for the node's other parts.
        return sessions.drain(node.stopTimeoutMs() / 2)
                .eventually(() -> server == null ? Future.succeededFuture() : server.close());
    }
}

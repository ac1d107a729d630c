package io.palmreader.node;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.palmreader.config.ConfigException;
import io.palmreader.config.NodeConfig;
import io.palmreader.config.Settings;
import io.palmreader.inference.FrameCodecs;
import io.palmreader.inference.InferenceConfig;
import io.palmreader.inference.InferencePlacement;
import io.palmreader.inference.WorkerConfig;
import io.palmreader.observability.ClusterMembership;
import io.palmreader.observability.Tracing;
import io.palmreader.vision.CudaDevices;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Palmreader process: loads the configuration (file, then {@code PALMREADER_*} environment, then command-line
 * overrides, through vertx-config), starts Vert.x with Prometheus metrics, and deploys the verticles its role names
 * in {@code verticles/role-ROLE.json}.
 */
public final class Node {

    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    static final String DESCRIPTORS = "/verticles/";

    private final Vertx vertx;
    private final JsonObject config;
    private final List<String> deployments;

    private Node(Vertx vertx, JsonObject config, List<String> deployments) {
        this.vertx = vertx;
        this.config = config;
        this.deployments = deployments;
    }

    /** Builds a Vert.x instance with Prometheus metrics and the frame codecs registered. */
    public static Vertx createVertx() {
        Vertx vertx = Vertx.builder()
                .with(options())
                .withMetrics(new MicrometerMetricsFactory())
                .build();
        FrameCodecs.register(vertx);
        reportTransport(vertx);
        return vertx;
    }

    /** Builds the Vert.x instance {@code config} asks for: clustered over Hazelcast when {@code cluster.enabled}. */
    public static Future<Vertx> createVertx(JsonObject config) {
        Settings settings = new Settings(config);
        ClusterConfig cluster = ClusterConfig.from(settings);
        OpenTelemetrySdk tracing = Tracing.create(
                TelemetryConfig.from(settings).tracing(NodeConfig.from(settings).nodeId()));
        VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory());
        if (tracing != null) {
            builder.withTracer(new OpenTelemetryTracingFactory(tracing));
        }
        if (!cluster.enabled()) {
            Vertx vertx = builder.with(options()).build();
            FrameCodecs.register(vertx);
            reportTransport(vertx);
            traced(vertx, tracing);
            return Future.succeededFuture(vertx);
        }
        VertxOptions options = options().setEventBusOptions(cluster.eventBus());
        HazelcastClusterManager manager = new HazelcastClusterManager(cluster.hazelcast());
        return builder.with(options)
                .withClusterManager(manager)
                .buildClustered()
                .onSuccess(vertx -> {
                    FrameCodecs.register(vertx);
                    reportTransport(vertx);
                    traced(vertx, tracing);
                    ClusterMembership.register(vertx, manager);
                    LOG.info(
                            "joined cluster '{}' as {}:{} (members {}), event bus {}",
                            cluster.name(),
                            cluster.host(),
                            cluster.port(),
                            cluster.kubernetesDns().isBlank() ? cluster.members() : "from " + cluster.kubernetesDns(),
                            cluster.tls()
                                    ? "over TLS with client certificates"
                                    : "in the clear (cluster.tlsCertPath unset)");
                    if (cluster.defaultName()) {
                        LOG.warn(
                                "cluster.name is the default '{}': a node left at its defaults on this network joins this "
                                        + "cluster; give the cluster a name of its own (Compose and Kubernetes read it from their secret)",
                                cluster.name());
                    }
                });
    }

    private static void traced(Vertx vertx, OpenTelemetrySdk tracing) {
        if (tracing != null) {
            Tracing.attach(vertx, tracing);
            LOG.info("tracing: spans exported over OTLP (OTEL_* variables, tracing.* keys)");
        }
    }

    private static VertxOptions options() {
        // JVM meters (heap, GC, threads, open files) beside the application's: what a long run is watched by.
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
                .setJvmMetricsEnabled(true)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
                .setEnabled(true);
        // Linux's epoll where Netty's native library loads (NIO elsewhere): fewer system calls per message, and
        // timers that do not spin through the last half millisecond before they fire.
        return new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true);
    }

    /** Says which transport carries the node's sockets, and why not epoll where it could not load. */
    private static void reportTransport(Vertx vertx) {
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("sockets and timers on the native transport (epoll)");
        } else {
            Throwable cause = vertx.unavailableNativeTransportCause();
            LOG.info("sockets and timers on Java NIO{}", cause == null ? "" : " (epoll unavailable: " + cause + ")");
        }
    }

    /**
     * Reads the configuration: the JSON file when given, then environment variables, then {@code overrides}.
     */
    public static Future<JsonObject> loadConfig(Vertx vertx, Path file, JsonObject overrides) {
        ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false);
        if (file != null) {
            options.addStore(new ConfigStoreOptions()
                    .setType("file")
                    .setFormat("json")
                    .setConfig(new JsonObject().put("path", file.toString())));
        }
        options.addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true)));
        ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
        return retriever.getConfig().map(merged -> {
            retriever.close();
            Map<String, Object> environment = new java.util.HashMap<>(System.getenv());
            JsonObject config = Settings.withEnvironment(merged, environment);
            // The env store brings every variable; only PALMREADER_* ones are configuration.
            environment.keySet().forEach(config::remove);
            return config.mergeIn(overrides, true);
        });
    }

    /** Starts a node on {@code vertx} with {@code config}, deploying the verticles of {@code role}. */
    public static Future<Node> start(Vertx vertx, JsonObject config, String role) {
        JsonObject roleJson;
        try {
            roleJson = descriptor("role-" + role);
        } catch (ConfigException e) {
            return Future.failedFuture(new ConfigException("role must be all, edge or gpu, was '" + role + "'"));
        }
        Settings settings = new Settings(config);
        NodeConfig node = NodeConfig.from(settings);
        int cores = Runtime.getRuntime().availableProcessors();
        JsonObject effective = config.copy().put("nodeId", node.nodeId());
        if (node.port() == 0) {
            // Gateway instances share one listening port only when it is named: with 0 each would bind its own.
            JsonObject http =
                    effective.getJsonObject("http", new JsonObject()).copy().put("port", freePort());
            effective.put("http", http);
        }
        List<Future<String>> deployed = new ArrayList<>();
        Future<String> chain = Future.succeededFuture();
        JsonArray names = roleJson.getJsonArray("deploy", new JsonArray());
        // Workers first: a gateway that is up and ready answers frames at once.
        List<String> ordered = new ArrayList<>();
        names.forEach(n -> ordered.add(0, (String) n));
        for (String name : ordered) {
            VerticleDescriptor d = VerticleDescriptor.parse(name + ".json", descriptor(name));
            if (d.name().equals("inference")) {
                chain = deployInference(vertx, d, InferenceConfig.from(settings), effective, cores, chain, deployed);
                continue;
            }
            int instances = d.instances() != null ? d.instances() : node.httpInstances(cores);
            chain = chain.compose(v -> vertx.deployVerticle(d.className(), d.options(instances, effective.copy()))
                    .onSuccess(id -> LOG.info("deployed {} × {} ({})", instances, d.name(), d.className())));
            deployed.add(chain);
        }
        return chain.map(v -> {
            List<String> ids = new ArrayList<>();
            deployed.forEach(f -> ids.add(f.result()));
            return new Node(vertx, effective, ids);
        });
    }

    /**
     * Deploys the inference workers where {@link InferencePlacement} puts them: CUDA workers when this build and host
     * have CUDA and the configuration allows, CPU workers otherwise. A bad engine for the place (tflite on a GPU
     * worker) stops the node here, before anything is deployed.
     */
    private static Future<String> deployInference(
            Vertx vertx,
            VerticleDescriptor d,
            InferenceConfig inference,
            JsonObject effective,
            int cores,
            Future<String> chain,
            List<Future<String>> deployed) {
        int cpuWorkers = d.instances() != null ? d.instances() : inference.workersFor(cores);
        String ruledOut = inference.cudaRuledOut();
        CudaDevices devices = ruledOut != null ? CudaDevices.none(ruledOut) : CudaDevices.probe();
        InferencePlacement placement = InferencePlacement.plan(
                inference, devices, d.workerPoolName() == null ? d.name() : d.workerPoolName(), cpuWorkers);
        if (placement.fellBack()) {
            LOG.warn("inference.device = cuda, falling back to the CPU: {}", placement.report());
        } else {
            LOG.info("{}", placement.report());
        }
        placement.workers().forEach(w -> inference.engineFor(w.target()));
        if (!placement.cuda() && !inference.echo()) {
            int threads = inference.opencvThreadsFor(cores, cpuWorkers);
            org.bytedeco.opencv.global.opencv_core.setNumThreads(threads);
            LOG.info("OpenCV uses {} threads per call, {} worker(s) on {} cores", threads, cpuWorkers, cores);
        }
        Future<String> next = chain;
        for (InferencePlacement.Worker w : placement.workers()) {
            // Each instance admits frames on an event loop and runs its networks on a thread of the pool named here.
            JsonObject workerConfig = new WorkerConfig(
                            effective.getString("nodeId") + "/" + w.name(),
                            w.target(),
                            w.poolName(),
                            w.instances(),
                            d.maxWorkerExecuteTimeMs())
                    .writeTo(effective.copy());
            next = next.compose(v -> vertx.deployVerticle(d.className(), d.options(w.instances(), workerConfig))
                    .onSuccess(id -> LOG.info(
                            "deployed {} × {} on {} ({})", w.instances(), d.name(), w.target(), w.poolName())));
            deployed.add(next);
        }
        return next;
    }

    static JsonObject descriptor(String name) {
        try (InputStream in = Node.class.getResourceAsStream(DESCRIPTORS + name + ".json")) {
            if (in == null) {
                throw new ConfigException("no verticle descriptor " + DESCRIPTORS + name + ".json");
            }
            return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("cannot read descriptor " + name + ": " + e.getMessage());
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new ConfigException("http.port 0: no free port to listen on: " + e.getMessage());
        }
    }

    public Vertx vertx() {
        return vertx;
    }

    public JsonObject config() {
        return config;
    }

    /**
     * Stops the node gracefully: verticles are undeployed in the reverse order of deployment, so gateways drain their
     * sessions (frames in flight answered, clients told to reconnect) while the inference workers are still there.
     * Whatever clients do, the returned future completes within {@code node.stopTimeoutMs}: gateways close the sessions
     * still open at half of it, and a second before the end (a fifth, for short limits) the node stops waiting for its
     * verticles, leaving that time for the process to exit.
     */
    public Future<Void> stop() {
        int limitMs = NodeConfig.from(new Settings(config)).stopTimeoutMs();
        int timeoutMs = limitMs - Math.min(1000, limitMs / 5);
        Future<Void> chain = Future.succeededFuture();
        for (int i = deployments.size() - 1; i >= 0; i--) {
            String id = deployments.get(i);
            chain = chain.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
        }
        io.vertx.core.Promise<Void> stopped = io.vertx.core.Promise.promise();
        long deadline = vertx.setTimer(timeoutMs, t -> {
            LOG.warn("node.stopTimeoutMs ({} ms) almost passed before the node had stopped: exiting as it is", limitMs);
            stopped.tryComplete();
        });
        chain.eventually(() -> Tracing.shutdown(vertx, timeoutMs / 4))
                .eventually(vertx::close)
                .onComplete(ar -> {
                    vertx.cancelTimer(deadline);
                    stopped.tryComplete();
                });
        return stopped.future();
    }
}

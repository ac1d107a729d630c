package io.palmreader.testing;

import io.palmreader.assistant.FakeOllama;
import io.palmreader.eventlog.KafkaBroker;
import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.TokenIssuer;
import io.palmreader.node.Node;
import io.palmreader.store.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Palmreader node for a test, started before it and stopped after it, with what the test asks for beside it: the
 * test Ollama, a real {@code redis-server}, a Kafka broker, tokens signed with a secret made for the run, cluster
 * members in JVMs of their own.
 *
 * <p>Registered on a static field ({@code @RegisterExtension static final NodeExtension node = ...}) it serves the
 * whole class; on an instance field, each test. {@link #start()} and {@link #close()} serve a test that needs a node
 * of its own for part of it. {@link #processes()} runs no node here, only {@linkplain #startProcess nodes in their
 * own JVMs}.
 *
 * <p>Every node gets {@link #testDefaults the test configuration} under the test's own settings: time limits a test
 * is not about are lifted, so that a slow machine cannot fail it, and no node can reach an Ollama a developer runs
 * on this machine.
 */
public final class NodeExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, AutoCloseable {

    /**
     * Where a node without the test Ollama looks for one: a privileged port nothing listens on in a test run, so the
     * assistant is refused at once, as when no Ollama runs.
     */
    public static final String NO_OLLAMA = "http://127.0.0.1:1";

    /** The lifted limits: an answer, a queue, an idle session or connection, a hello, a Redis call. */
    static final int ANSWER_TIMEOUT_MS = 120_000;

    static final int MAX_QUEUE_MS = 60_000;
    static final int IDLE_TIMEOUT_MS = 600_000;
    static final int HELLO_TIMEOUT_MS = 60_000;
    static final int REDIS_TIMEOUT_MS = 10_000;

    private final JsonObject settings;
    private String role = "all";
    private boolean ownOllama;
    private boolean ownRedis;
    private boolean ownKafka;
    private boolean ownTokens;
    private NodeExtension shared;
    private final List<String> memberIds = new ArrayList<>();
    private boolean clustered;

    /** Null until started; then whether it stops after each test (true) or after the class (false). */
    private Boolean perTest;

    private Vertx vertx;
    private Node node;
    private boolean stopped;
    private Vertx ollamaVertx;
    private FakeOllama ollama;
    private RedisServer redis;
    private KafkaBroker kafka;
    private Path kafkaDir;
    private String secret;
    private TokenIssuer tokens;
    private Vertx clients;
    private HttpClient http;
    private int clusterPort;
    private final Map<String, Integer> memberPorts = new LinkedHashMap<>();
    private final List<NodeProcess> processes = new ArrayList<>();

    private NodeExtension(JsonObject settings) {
        this.settings = settings;
    }

    /** A node in this JVM with {@code settings} (nested JSON, as a configuration file has it) over the test's. */
    public static NodeExtension node(JsonObject settings) {
        return new NodeExtension(settings.copy());
    }

    /** No node in this JVM: the test starts nodes in their own JVMs with {@link #startProcess}. */
    public static NodeExtension processes() {
        return new NodeExtension(null);
    }

    /** The role whose verticles the node deploys: {@code all} (the default), {@code edge} or {@code gpu}. */
    public NodeExtension role(String role) {
        this.role = role;
        return this;
    }

    /** The test Ollama ({@link FakeOllama}, on a Vert.x of its own), which {@code ollama.url} then names. */
    public NodeExtension withOllama() {
        ownOllama = true;
        return this;
    }

    /** A real {@code redis-server} for this node, which {@code redis.url} then names. */
    public NodeExtension withRedis() {
        ownRedis = true;
        return this;
    }

    /** A real Kafka broker (in its own JVM, data in a directory of its own), which {@code kafka.bootstrap} names. */
    public NodeExtension withKafka() {
        ownKafka = true;
        return this;
    }

    /** Tokens required, signed with a secret made for this run; {@link #tokens()} issues them. */
    public NodeExtension withTokens() {
        ownTokens = true;
        return this;
    }

    /**
     * Uses what {@code other} has (its test Ollama, Redis, Kafka, token secret) where this one asks for none of its
     * own; {@code other} is started first if it is not yet.
     */
    public NodeExtension sharing(NodeExtension other) {
        shared = other;
        return this;
    }

    /**
     * Makes the node a cluster member (Hazelcast on a free loopback port) with room for members in their own JVMs,
     * named {@code memberIds}, that the test starts with {@link #startMember}.
     */
    public NodeExtension inCluster(String... memberIds) {
        clustered = true;
        this.memberIds.addAll(List.of(memberIds));
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (perTest == null) { // another node sharing this one's may have started it
            begin(false);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (perTest == null) {
            begin(true);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (Boolean.TRUE.equals(perTest)) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /** Starts it now, for a test that closes it itself (try-with-resources). */
    public NodeExtension start() throws Exception {
        begin(true);
        return this;
    }

    private void begin(boolean forEachTest) throws Exception {
        perTest = forEachTest;
        if (shared != null && shared.perTest == null) {
            shared.begin(forEachTest);
        }
        if (ownTokens) {
            secret = TokenIssuer.randomSecret();
        }
        if (ownRedis) {
            redis = RedisServer.start();
        }
        if (ownKafka) {
            kafkaDir = Files.createTempDirectory("palmreader-kafka");
            kafka = KafkaBroker.start(kafkaDir);
        }
        if (ownOllama) {
            ollamaVertx = Vertx.vertx();
            ollama = FakeOllama.start(ollamaVertx);
        }
        if (clustered) {
            clusterPort = settings != null ? freePort() : 0;
            for (String id : memberIds) {
                memberPorts.put(id, freePort());
            }
        }
        if (settings != null) {
            JsonObject config = startConfig();
            vertx = Node.createVertx(config).await(60, TimeUnit.SECONDS);
            node = Node.start(vertx, config, role).await(120, TimeUnit.SECONDS);
        }
    }

    /**
     * Time limits a test is not about, lifted so that no machine is too slow for them: the wait for a frame's answer,
     * a worker's queue, idle sessions and connections, a hello's token, a Redis call. And the assistant's server,
     * {@code ollamaUrl}. A test that is about one of them sets it.
     */
    static JsonObject testDefaults(String ollamaUrl) {
        return new JsonObject()
                .put(
                        "http",
                        new JsonObject().put("port", 0).put("host", "127.0.0.1").put("idleTimeoutMs", IDLE_TIMEOUT_MS))
                .put(
                        "session",
                        new JsonObject()
                                .put("answerTimeoutMs", ANSWER_TIMEOUT_MS)
                                .put("idleTimeoutMs", IDLE_TIMEOUT_MS))
                .put("inference", new JsonObject().put("maxQueueMs", MAX_QUEUE_MS))
                .put("auth", new JsonObject().put("helloTimeoutMs", HELLO_TIMEOUT_MS))
                .put("redis", new JsonObject().put("timeoutMs", REDIS_TIMEOUT_MS))
                .put("ollama", new JsonObject().put("url", ollamaUrl));
    }

    /** The test configuration with what runs beside the node, the cluster's settings and then the test's own over it. */
    private JsonObject config(JsonObject own, Integer memberPort) {
        FakeOllama testOllama = ollama();
        JsonObject config = testDefaults(testOllama != null ? testOllama.url() : NO_OLLAMA);
        if (redis() != null) {
            config.getJsonObject("redis").put("url", redis().url());
        }
        if (kafka() != null) {
            config.put("kafka", new JsonObject().put("bootstrap", kafka().bootstrap()));
        }
        if (secret() != null) {
            config.getJsonObject("auth").put("enabled", true).put("jwtSecret", secret());
        }
        if (clustered) {
            List<String> members = new ArrayList<>();
            if (settings != null) {
                members.add("127.0.0.1:" + clusterPort);
            }
            memberPorts.values().forEach(p -> members.add("127.0.0.1:" + p));
            config.put(
                    "cluster",
                    new JsonObject()
                            .put("enabled", true)
                            .put("host", "127.0.0.1")
                            .put("port", memberPort != null ? memberPort : clusterPort)
                            .put("members", String.join(",", members)));
        }
        return config.mergeIn(own.copy(), true);
    }

    private JsonObject startConfig() {
        return config(settings, null);
    }

    /**
     * The configuration of a node in its own JVM: as here, with one worker of one OpenCV thread (cluster tests run
     * several JVMs on few cores), its HTTP port chosen now, and {@code own} over it.
     */
    JsonObject processConfig(String id, Integer memberPort, JsonObject own) throws IOException {
        JsonObject base = new JsonObject()
                .put("node", new JsonObject().put("id", id))
                .put("http", new JsonObject().put("port", freePort()))
                .put("inference", new JsonObject().put("workers", 1).put("opencvThreads", 1));
        return config(base.mergeIn(own.copy(), true), memberPort);
    }

    /**
     * Starts {@code palmreader run --cluster --role ROLE} in its own JVM as the cluster member {@code id} (named in
     * {@link #inCluster}), with {@code own} settings over the test's; it is stopped with this node.
     */
    public NodeProcess startMember(String id, String role, JsonObject own) throws IOException {
        return startMember(id, role, own, Map.of());
    }

    /** As {@link #startMember(String, String, JsonObject)}, with {@code environment} added to the process's. */
    public NodeProcess startMember(String id, String role, JsonObject own, Map<String, String> environment)
            throws IOException {
        return track(NodeProcess.start(id, role, true, NodeProcess.MEMBER_JVM, memberConfig(id, own), environment));
    }

    /** The configuration of the cluster member {@code id}, on the port kept for it. */
    JsonObject memberConfig(String id, JsonObject own) throws IOException {
        Integer port = memberPorts.get(id);
        if (port == null) {
            throw new IllegalArgumentException(id + " is not among the cluster members " + memberPorts.keySet());
        }
        return processConfig(id, port, own);
    }

    /** Starts {@code palmreader run} (role all) in its own JVM with {@code jvmOptions}, not in a cluster. */
    public NodeProcess startProcess(String id, List<String> jvmOptions, JsonObject own) throws IOException {
        return track(NodeProcess.start(id, "all", false, jvmOptions, processConfig(id, null, own)));
    }

    private NodeProcess track(NodeProcess process) {
        processes.add(process);
        return process;
    }

    /**
     * What starting a node with {@code settings} (over the test configuration) and {@code role} fails with; fails
     * when it starts.
     */
    public static Throwable startFailure(JsonObject settings, String role) throws Exception {
        NodeExtension refused = node(settings);
        Vertx vertx = Node.createVertx();
        try {
            io.vertx.core.Future<Node> started = Node.start(vertx, refused.startConfig(), role);
            Throwable cause =
                    started.map(n -> (Throwable) null).otherwise(e -> e).await(60, TimeUnit.SECONDS);
            if (cause == null) {
                started.result().stop().await(30, TimeUnit.SECONDS);
                throw new AssertionError("the node started with role '" + role + "'");
            }
            return cause;
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    /** The node's Vert.x; it closes when the node stops. */
    public Vertx vertx() {
        return vertx;
    }

    public Node node() {
        return node;
    }

    /** The node's configuration as it runs: the test configuration, the test's settings, the port it chose. */
    public JsonObject config() {
        return node.config();
    }

    /** The port the node's gateway listens on, on 127.0.0.1. */
    public int port() {
        return GatewayTestAccess.port(vertx);
    }

    public FakeOllama ollama() {
        return ollama != null ? ollama : shared != null ? shared.ollama() : null;
    }

    public RedisServer redis() {
        return redis != null ? redis : shared != null ? shared.redis() : null;
    }

    public KafkaBroker kafka() {
        return kafka != null ? kafka : shared != null ? shared.kafka() : null;
    }

    /** The secret tokens are signed with, or null when none are required. */
    public String secret() {
        return secret != null ? secret : shared != null ? shared.secret() : null;
    }

    /** Issues tokens the node takes. */
    public TokenIssuer tokens() {
        if (tokens == null) {
            tokens = new TokenIssuer(vertx != null ? vertx : clients(), secret());
        }
        return tokens;
    }

    /** A Vert.x for clients that outlives the node (a test that stops it watches its clients be told). */
    public synchronized Vertx clients() {
        if (clients == null) {
            clients = Vertx.vertx();
        }
        return clients;
    }

    /** The node's {@code /metrics}, from its metrics port when it has one. */
    public ScrapedMetrics metrics() throws Exception {
        JsonObject metricsConfig = config().getJsonObject("metrics", new JsonObject());
        int metricsPort = metricsConfig.getInteger("port", 0);
        if (http == null) {
            http = vertx.createHttpClient();
        }
        String body = http.request(
                        HttpMethod.GET,
                        metricsPort != 0 ? metricsPort : port(),
                        metricsConfig.getString("host", "127.0.0.1"),
                        "/metrics")
                .compose(r -> r.send().compose(resp -> resp.body()))
                .map(Object::toString)
                .await(10, TimeUnit.SECONDS);
        return ScrapedMetrics.parse(body);
    }

    /** Stops the node now (gracefully, as a SIGTERM would); what runs beside it stays until the test ends. */
    public void stop() throws Exception {
        if (node != null && !stopped) {
            stopped = true;
            node.stop().await(30, TimeUnit.SECONDS);
        }
    }

    /** Stops the node and everything started for it, whatever failed to start. */
    @Override
    public void close() throws Exception {
        if (perTest == null) {
            return;
        }
        List<Exception> failures = new ArrayList<>();
        processes.forEach(NodeProcess::terminate);
        for (NodeProcess p : processes) {
            attempt(failures, p::close);
        }
        processes.clear();
        if (node != null) {
            attempt(failures, this::stop);
        } else if (vertx != null) {
            attempt(failures, () -> vertx.close().await(30, TimeUnit.SECONDS));
        }
        if (clients != null) {
            attempt(failures, () -> clients.close().await(30, TimeUnit.SECONDS));
        }
        if (ollama != null) {
            attempt(failures, () -> {
                ollama.close();
                ollamaVertx.close().await(30, TimeUnit.SECONDS);
            });
        }
        if (redis != null) {
            attempt(failures, redis::close);
        }
        if (kafka != null) {
            attempt(failures, kafka::close);
            attempt(failures, () -> delete(kafkaDir));
        }
        perTest = null;
        vertx = null;
        node = null;
        stopped = false;
        ollama = null;
        ollamaVertx = null;
        redis = null;
        kafka = null;
        secret = null;
        tokens = null;
        clients = null;
        http = null;
        memberPorts.clear();
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(List<Exception> failures, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            failures.add(e);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A port free on this machine now, for a server a test starts itself. */
    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}

package io.palmreader.cli;

import io.palmreader.config.ConfigException;
import io.palmreader.config.NodeConfig;
import io.palmreader.config.Settings;
import io.palmreader.gateway.GatewayVerticle;
import io.palmreader.node.Node;
import io.palmreader.node.TelemetryConfig;
import io.palmreader.observability.LogFormat;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: starts a server node and keeps it running until the process is stopped. */
@Command(
        name = "run",
        sortOptions = false,
        sortSynopsis = false,
        header = "start a server node: the browser client, WebSocket sessions, inference workers",
        description = {
            "Starts a node. Configuration comes from FILE (JSON), then PALMREADER_* environment variables, "
                    + "then these options; every key is listed in README's configuration table."
        })
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON configuration file")
    private Path file;

    @Option(
            names = "--role",
            paramLabel = "all|edge|gpu",
            defaultValue = "all",
            description = "what this node runs (verticles/role-ROLE.json; default ${DEFAULT-VALUE})")
    private String role;

    @Option(names = "--port", paramLabel = "N", description = "HTTP and WebSocket port (http.port; default 8080)")
    private Integer port;

    @Option(
            names = "--inference",
            paramLabel = "model|echo",
            description = "echo answers frames without the model: transport benchmarks only (inference.mode)")
    private String inference;

    @Option(names = "--cluster", description = "join the cluster (cluster.enabled; members from cluster.members)")
    private boolean cluster;

    private final PrintStream out;
    private final PrintStream err;

    RunCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        // Before Hazelcast's first line, which it would otherwise print through java.util.logging.
        System.setProperty("hazelcast.logging.type", "slf4j");
        if (file != null && !Files.isRegularFile(file)) {
            throw OptionValues.usage(spec, "configuration file " + file + " does not exist");
        }
        JsonObject overrides = new JsonObject();
        if (port != null) {
            overrides.put("http", new JsonObject().put("port", OptionValues.within(spec, "--port", port, 0, 65535)));
        }
        if (cluster) {
            overrides.put("cluster", new JsonObject().put("enabled", true));
        }
        if (inference != null) {
            overrides.put("inference", new JsonObject().put("mode", inference));
        }
        try {
            // The configuration decides whether Vert.x is clustered, so it is read with a short-lived local instance.
            Vertx reader = Vertx.vertx();
            JsonObject config;
            try {
                config = Node.loadConfig(reader, file, overrides)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get();
            } finally {
                reader.close();
            }
            Settings settings = new Settings(config);
            boolean json = TelemetryConfig.from(settings).logFormat().equals("json");
            LogFormat.apply(json ? "json" : "text", NodeConfig.from(settings).nodeId());
            Node node = Node.createVertx(config)
                    .compose(vertx -> Node.start(vertx, config, role).onFailure(e -> vertx.close()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
            Vertx vertx = node.vertx();
            Object port =
                    vertx.sharedData().getLocalMap(GatewayVerticle.NODE_MAP).get(GatewayVerticle.HTTP_PORT_KEY);
            String running = "palmreader: node " + node.config().getString("nodeId") + " running role " + role
                    + (port != null ? ", open http://localhost:" + port + "/" : "");
            if (json) {
                LoggerFactory.getLogger(RunCommand.class).info(running);
            } else {
                err.println(running);
            }
            // Node.stop completes within node.stopTimeoutMs whatever clients do; the JVM exits when this hook returns.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> node.stop().await()));
            Thread.currentThread().join();
            return 0;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            err.println("palmreader run: " + (cause instanceof ConfigException ? "" : "could not start: ")
                    + cause.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}

package io.palmreader.cli;

import io.palmreader.config.ConfigException;
import io.palmreader.gateway.GatewayVerticle;
import io.palmreader.node.Node;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** {@code run}: starts a server node and keeps it running until the process is stopped. */
final class RunCommand {

  static final String USAGE = """
      usage: java -jar palmreader.jar run [--config FILE] [--role all|edge|gpu] [--port N] [--inference model|echo]
                                          [--cluster]

      Starts a node. Configuration comes from FILE (JSON), then PALMREADER_* environment variables, then these
      options; every key is listed in README's configuration table.

      options:
        --config FILE            JSON configuration file
        --role all|edge|gpu      what this node runs (verticles/role-ROLE.json; default all)
        --port N                 HTTP and WebSocket port (http.port; default 8080)
        --inference model|echo   echo answers frames without the model: transport benchmarks only (inference.mode)
        --cluster                join the cluster (cluster.enabled; members from cluster.members)
      """;

  private final PrintStream out;
  private final PrintStream err;

  RunCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(String[] args) {
    CommandLine cl = new CommandLine(args, Set.of("config", "role", "port", "inference"), Set.of("help", "cluster"));
    if (cl.has("help")) {
      out.print(USAGE);
      return 0;
    }
    if (!cl.operands().isEmpty()) {
      throw new UsageException("run takes no operands, got " + cl.operands());
    }
    Path file = cl.has("config") ? Path.of(cl.get("config", "")) : null;
    if (file != null && !Files.isRegularFile(file)) {
      throw new UsageException("configuration file " + file + " does not exist");
    }
    JsonObject overrides = new JsonObject();
    if (cl.has("port")) {
      overrides.put("http", new JsonObject().put("port", cl.getInt("port", 8080, 0, 65535)));
    }
    if (cl.has("cluster")) {
      overrides.put("cluster", new JsonObject().put("enabled", true));
    }
    if (cl.has("inference")) {
      overrides.put("inference", new JsonObject().put("mode", cl.get("inference", "model")));
    }
    String role = cl.get("role", "all");
    try {
      // The configuration decides whether Vert.x is clustered, so it is read with a short-lived local instance.
      Vertx reader = Vertx.vertx();
      JsonObject config;
      try {
        config = Node.loadConfig(reader, file, overrides).toCompletionStage().toCompletableFuture().get();
      } finally {
        reader.close();
      }
      Node node = Node.createVertx(config)
          .compose(vertx -> Node.start(vertx, config, role).onFailure(e -> vertx.close()))
          .toCompletionStage().toCompletableFuture().get();
      Vertx vertx = node.vertx();
      Object port = vertx.sharedData().getLocalMap(GatewayVerticle.NODE_MAP).get(GatewayVerticle.HTTP_PORT_KEY);
      err.println("palmreader: node " + node.config().getString("nodeId") + " running role " + role
          + (port != null ? ", open http://localhost:" + port + "/" : ""));
      // Node.stop completes within node.stopTimeoutMs whatever clients do; the JVM exits when this hook returns.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> node.stop().await()));
      Thread.currentThread().join();
      return 0;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      err.println("palmreader run: " + (cause instanceof ConfigException ? "" : "could not start: ") + cause.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}

package io.palmreader.node;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code palmreader run --cluster --role ROLE} in its own JVM on loopback, logging to target/, for cluster tests. */
final class NodeProcess {

  private NodeProcess() {
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * {@code palmreader run} alone (no cluster) with {@code jvmOptions} before the class path, logging to target/;
   * {@code env} holds its settings.
   */
  static Process startAlone(String id, List<String> jvmOptions, Map<String, String> env) throws Exception {
    Path log = Path.of("target", "node-" + id + ".log");
    Files.createDirectories(log.getParent());
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.palmreader.cli.Palmreader", "run"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("PALMREADER_NODE_ID", id);
    pb.environment().putAll(env);
    return pb.start();
  }

  /** One worker with one OpenCV thread, HTTP on a free port; {@code env} adds or overrides settings. */
  static Process start(String id, String role, int clusterPort, String members, Map<String, String> env)
      throws Exception {
    Path log = Path.of("target", "cluster-" + id + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens",
        "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "io.palmreader.cli.Palmreader", "run", "--cluster",
        "--role", role).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("PALMREADER_NODE_ID", id);
    pb.environment().put("PALMREADER_CLUSTER_PORT", Integer.toString(clusterPort));
    pb.environment().put("PALMREADER_CLUSTER_MEMBERS", members);
    pb.environment().put("PALMREADER_HTTP_PORT", "0");
    pb.environment().put("PALMREADER_INFERENCE_WORKERS", "1");
    pb.environment().put("PALMREADER_INFERENCE_OPENCV_THREADS", "1");
    pb.environment().putAll(env);
    return pb.start();
  }
}

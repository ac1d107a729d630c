package io.palmreader.eventlog;

import io.palmreader.testing.ProcessOutput;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A real single-node Kafka broker (KRaft) started from the Maven artifacts on the test classpath, in its own JVM,
 * on free loopback ports. It can be killed and started again on the same port and data.
 */
public final class KafkaBroker implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    private KafkaBroker(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static KafkaBroker start(Path dir) throws Exception {
        int port = freePort();
        int controller = freePort();
        Path data = dir.resolve("data");
        String properties = String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "num.partitions=1");
        Files.writeString(dir.resolve("server.properties"), properties);
        run(
                dir,
                List.of(
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        "q1Sh-9_ISia_zwGINzRvyQ",
                        "-c",
                        dir.resolve("server.properties").toString()));
        KafkaBroker broker = new KafkaBroker(dir, port);
        broker.startProcess();
        return broker;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ProcessBuilder java(Path dir, List<String> args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path")));
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("kafka.log").toFile()));
    }

    private static void run(Path dir, List<String> args) throws Exception {
        Process p = java(dir, args).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("'" + args + "' failed: " + Files.readString(dir.resolve("kafka.log")));
        }
    }

    /** Starts (or restarts) the broker and waits until its port accepts connections. */
    public void startProcess() throws Exception {
        process = java(
                        dir,
                        List.of("kafka.Kafka", dir.resolve("server.properties").toString()))
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .start();
        try {
            ProcessOutput.follow(process, Pattern.compile("Kafka Server started"), dir.resolve("kafka.log"))
                    .ready()
                    .get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "Kafka did not start: " + Files.readString(dir.resolve("kafka.log"), StandardCharsets.UTF_8), e);
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

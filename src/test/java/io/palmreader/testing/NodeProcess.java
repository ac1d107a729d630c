package io.palmreader.testing;

import io.palmreader.config.Settings;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A node in its own JVM, as {@link NodeExtension} starts it: {@code palmreader run --config target/node-ID.json}
 * ({@code --cluster} for a cluster member), its output in {@code target/node-ID.log}. The file holds all of its
 * settings: the test JVM's {@code PALMREADER_*} variables are not passed on.
 */
public final class NodeProcess implements AutoCloseable {

    /** A cluster member's JVM options: Hazelcast reaches into these for its statistics, and warns without them. */
    static final List<String> MEMBER_JVM = List.of(
            "-Xmx768m",
            "--add-exports",
            "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED");
    /** What {@code palmreader run} prints once its verticles are deployed. */
    private static final Pattern READY = Pattern.compile("palmreader: node \\S+ running role");

    private static final long READY_TIMEOUT_S = 180;

    private final String id;
    private final Process process;
    private final ProcessOutput output;
    private final int httpPort;
    private final Path log;

    private NodeProcess(String id, Process process, ProcessOutput output, int httpPort, Path log) {
        this.id = id;
        this.process = process;
        this.output = output;
        this.httpPort = httpPort;
        this.log = log;
    }

    /** Starts {@code palmreader run} with {@code config} (nested JSON, as a file gives it) and {@code role}. */
    static NodeProcess start(String id, String role, boolean cluster, List<String> jvmOptions, JsonObject config)
            throws IOException {
        return start(id, role, cluster, jvmOptions, config, Map.of());
    }

    /** As above, with {@code environment} added to the process's (an operator's {@code OTEL_*} variables, say). */
    static NodeProcess start(
            String id,
            String role,
            boolean cluster,
            List<String> jvmOptions,
            JsonObject config,
            Map<String, String> environment)
            throws IOException {
        Path dir = Path.of("target");
        Files.createDirectories(dir);
        Path file = dir.resolve("node-" + id + ".json");
        Files.writeString(file, config.encodePrettily());
        Path log = dir.resolve("node-" + id + ".log");
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "io.palmreader.cli.Palmreader",
                "run",
                "--config",
                file.toString(),
                "--role",
                role));
        if (cluster) {
            command.add("--cluster");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith(Settings.ENV_PREFIX));
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new NodeProcess(
                id,
                process,
                ProcessOutput.follow(process, READY, log),
                config.getJsonObject("http").getInteger("port"),
                log);
    }

    public String id() {
        return id;
    }

    /** The port its gateway listens on (roles with one), on 127.0.0.1 unless the test chose another host. */
    public int httpPort() {
        return httpPort;
    }

    public Path log() {
        return log;
    }

    public Process process() {
        return process;
    }

    /** Returns once the node says it is running; fails with its output when it exits first. */
    public NodeProcess awaitReady() throws Exception {
        try {
            output.ready().get(READY_TIMEOUT_S, TimeUnit.SECONDS);
            return this;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("node " + id + " did not start: " + Files.readString(log), e);
        }
    }

    /** Its resident memory, from {@code /proc}. */
    public long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + process.pid());
    }

    /** Stops it at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        // Through its handle: Process.destroy would also close the pipe its last words are read from.
        process.toHandle().destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** Asks it to stop (SIGTERM), as an orchestrator would, without waiting; what it says meanwhile is still logged. */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Whether it exits within {@code timeoutMs}; when it does, returns once all it said is in its log. */
    public boolean awaitExit(long timeoutMs) throws Exception {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            return false;
        }
        output.ended().get(20, TimeUnit.SECONDS);
        return true;
    }

    /** Stops it (SIGTERM) and waits for it to exit, killing it after 20 s. */
    @Override
    public void close() throws InterruptedException {
        terminate();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }
}

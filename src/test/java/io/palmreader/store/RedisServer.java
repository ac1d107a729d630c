package io.palmreader.store;

import io.palmreader.testing.Ci;
import io.palmreader.testing.ProcessOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/** A real {@code redis-server} on a free loopback port, for one test class. Not persisted anywhere. */
public final class RedisServer implements AutoCloseable {

    private final Path binary;
    private Process process;
    private final int port;

    private RedisServer(Path binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    public static RedisServer start() throws Exception {
        Path binary = Ci.requireExecutable(
                Path.of(System.getenv().getOrDefault("REDIS_SERVER", "/usr/bin/redis-server")),
                "scripts/test installs Debian's redis-server when run as root");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RedisServer server = new RedisServer(binary, port);
        server.launch();
        return server;
    }

    /** Starts the server process on this server's port and waits until it answers. */
    private void launch() throws Exception {
        process = new ProcessBuilder(
                        binary.toString(),
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .start();
        try {
            ProcessOutput.follow(process, Pattern.compile("Ready to accept connections"), null)
                    .ready()
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("redis-server did not start on port " + port, e);
        }
    }

    /** Starts it again on the same port, empty, as after a crash without persistence. */
    public void restart() throws Exception {
        launch();
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Sends one inline command and returns the first reply line. */
    String command(String command) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }

    void flush() throws IOException {
        command("FLUSHALL");
    }

    /** Stops the server at once, as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        kill();
    }
}

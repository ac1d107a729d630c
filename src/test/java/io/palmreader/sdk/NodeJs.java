package io.palmreader.sdk;

import io.palmreader.testing.Ci;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Node.js and npm for the SDK's tests, found on the {@code PATH}; on CI a missing or too old Node.js fails the test,
 * elsewhere it is skipped with the reason.
 */
final class NodeJs {

    /** The oldest Node.js the SDK supports ({@code engines} in web/sdk/package.json). */
    static final int MIN_MAJOR = 20;

    /** The SDK's package. */
    static final Path SDK = Path.of("web", "sdk");

    private static final Pattern VERSION = Pattern.compile("^v(\\d+)\\.");

    private NodeJs() {}

    /** What a command printed (standard output and error apart) and its exit status. */
    record Result(int exit, String stdout, String stderr) {

        /** Both streams, for a failure message. */
        String output() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** The {@code node} binary, at least version {@value #MIN_MAJOR}. */
    static Path node() {
        Path node = require("node");
        Result version = run(Path.of("."), 30, node.toString(), "--version");
        Matcher m = VERSION.matcher(version.stdout().trim());
        if (!m.find() || Integer.parseInt(m.group(1)) < MIN_MAJOR) {
            unusable(node + " is " + version.stdout().trim() + "; the SDK needs Node.js " + MIN_MAJOR + " or newer");
        }
        return node;
    }

    /** The {@code npm} command. */
    static Path npm() {
        return require("npm");
    }

    private static Path require(String name) {
        Path found = onPath(name).orElse(Path.of("/usr/bin", name));
        return Ci.requireExecutable(
                found, "scripts/test installs Debian's nodejs and npm when run as root; the SDK needs Node.js 20+");
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }

    private static void unusable(String message) {
        if (Ci.isCi()) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
    }

    /**
     * Runs {@code command} in {@code dir}, without input, and waits for it at most {@code timeoutSeconds}; a command
     * still running then is ended (with what it started) and fails the test with what it printed.
     */
    static Result run(Path dir, long timeoutSeconds, String... command) {
        return run(dir, timeoutSeconds, List.of(command));
    }

    static Result run(Path dir, long timeoutSeconds, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // npm would otherwise look for a newer npm on every call.
        builder.environment().put("npm_config_update_notifier", "false");
        builder.environment().put("NO_UPDATE_NOTIFIER", "1");
        try {
            Process process = builder.start();
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            Thread out = drain(process.getInputStream(), stdout);
            Thread err = drain(process.getErrorStream(), stderr);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                out.join(5000);
                err.join(5000);
                throw new AssertionError(String.join(" ", command) + " ran longer than " + timeoutSeconds + " s:\n"
                        + new Result(-1, text(stdout), text(stderr)).output());
            }
            out.join();
            err.join();
            return new Result(process.exitValue(), text(stdout), text(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream into) {
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (into) {
                        into.write(buffer, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}

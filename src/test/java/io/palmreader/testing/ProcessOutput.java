package io.palmreader.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Reads a server process's output as it comes (into a log file, when given) and completes {@link #ready()} when a line
 * says the server is up, or fails it when the process ends first: a test awaits that, instead of polling a port.
 */
public final class ProcessOutput {

    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private ProcessOutput(Process process, Pattern readyLine, Path log) {
        Thread reader = new Thread(() -> read(process, readyLine, log), "output of " + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Follows {@code process}'s output (its error stream merged in), appending it to {@code log} when not null. */
    public static ProcessOutput follow(Process process, Pattern readyLine, Path log) {
        return new ProcessOutput(process, readyLine, log);
    }

    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Completes once all of the output has been read (and logged): the process has closed it, by exiting. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    private void read(Process process, Pattern readyLine, Path log) {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = log == null
                        ? OutputStream.nullOutputStream()
                        : Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (!ready.isDone() && readyLine.matcher(line).find()) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IllegalStateException("the process ended (exit "
                + (process.isAlive() ? "?" : process.exitValue()) + ") before it was ready"));
        ended.complete(null);
    }
}

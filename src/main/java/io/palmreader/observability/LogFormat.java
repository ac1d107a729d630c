package io.palmreader.observability;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node process prints: {@code text} (one plain line per event, on stderr) or {@code json} (one JSON object per
 * line on stdout: time, level, logger, thread, message, the MDC with the trace and span ids where there is one, and
 * the node's id among the context's properties). In {@code json}, everything else that would reach stderr — a native
 * library's own lines (TensorFlow Lite announces its XNNPACK delegate with {@code fprintf}), the JDK's warnings, a
 * stray print — is read from a pipe put in place of file descriptor 2 and logged as a line of the {@code native}
 * logger, so that a log pipeline sees JSON only.
 */
public final class LogFormat {

    private static final Logger NATIVE = LoggerFactory.getLogger("native");

    /** libc, for the two calls Java has no word for. */
    private interface LibC extends Library {
        int pipe(int[] fds);

        int dup2(int from, int to);
    }

    private LogFormat() {}

    /**
     * Switches this process to {@code format} and names {@code nodeId} in every JSON line.
     *
     * @param format {@code text} or {@code json}
     */
    public static void apply(String format, String nodeId) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.putProperty("node", nodeId);
        if (!format.equals("json")) {
            return;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender("json") == null) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.setWithSequenceNumber(false);
            encoder.setWithNanoseconds(false);
            encoder.setWithMessage(false);
            encoder.setWithArguments(false);
            encoder.setWithFormattedMessage(true);
            encoder.start();
            ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
            json.setName("json");
            json.setContext(context);
            json.setTarget("System.out");
            json.setEncoder(encoder);
            json.start();
            root.detachAndStopAllAppenders();
            root.addAppender(json);
        }
        captureStandardError();
    }

    /** Puts a pipe in place of file descriptor 2 and logs each line that comes through it. */
    private static void captureStandardError() {
        LibC libc;
        int[] fds = new int[2];
        try {
            libc = Native.load("c", LibC.class);
            if (libc.pipe(fds) != 0 || libc.dup2(fds[1], 2) < 0) {
                NATIVE.warn("standard error could not be redirected: native libraries' lines stay plain text");
                return;
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            NATIVE.warn(
                    "standard error could not be redirected ({}): native libraries' lines stay plain text",
                    e.getMessage());
            return;
        }
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                            new FileInputStream("/proc/self/fd/" + fds[0]), StandardCharsets.UTF_8))) {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            if (!line.isBlank()) {
                                NATIVE.info(line.strip());
                            }
                        }
                    } catch (IOException e) {
                        NATIVE.warn("standard error is no longer read: {}", e.getMessage());
                    }
                },
                "stderr-to-log");
        reader.setDaemon(true);
        reader.start();
    }
}

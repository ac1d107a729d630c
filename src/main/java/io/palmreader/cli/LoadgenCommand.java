package io.palmreader.cli;

import io.palmreader.cli.LoadTally.Snapshot;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loadgen}: drives a server with many WebSocket sessions, each offering frames at a fixed rate, and prints a
 * Markdown report: offered, sent and answered frames/s, frames the client held back, server errors and latency
 * percentiles. It speaks only the wire protocol, so it measures anything that does (docs/protocol.md).
 */
@Command(
        name = "loadgen",
        sortOptions = false,
        sortSynopsis = false,
        header = "drive a server with N WebSocket sessions at F fps; answered fps, drops, latency percentiles",
        description = {
            "Opens N WebSocket sessions and has each offer F frames a second, cycling over the photos in DIR. "
                    + "A session keeps at most K frames unanswered, as the protocol asks: a frame due while K are unanswered is "
                    + "skipped, not sent. Prints a Markdown report on stdout and a progress line a second on stderr. Latency is "
                    + "the time from sending a frame to its 'hands' answer, on this machine's clock."
        })
final class LoadgenCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--url",
            paramLabel = "ws://HOST:PORT/ws",
            required = true,
            description = "the server's WebSocket endpoint (ws or wss)")
    private String url;

    @Option(names = "--sessions", paramLabel = "N", required = true, description = "sessions open at once")
    private int sessions;

    @Option(
            names = "--fps",
            paramLabel = "F",
            required = true,
            description = "frames a second each session offers (N × F offered in all)")
    private int fps;

    @Option(
            names = "--duration",
            paramLabel = "S",
            required = true,
            description = "seconds measured, after the warm-up")
    private int duration;

    @Option(
            names = "--frames",
            paramLabel = "DIR",
            required = true,
            description = "JPEG or PNG photos to send, read once into memory (a single photo will do)")
    private Path frames;

    @Option(
            names = "--inflight",
            paramLabel = "K",
            defaultValue = "1",
            description =
                    "frames a session keeps unanswered at most (default ${DEFAULT-VALUE}, the server's default limit)")
    private int inflight;

    @Option(
            names = "--ramp",
            paramLabel = "S",
            defaultValue = "1",
            description = "seconds over which session starts are spread (default ${DEFAULT-VALUE})")
    private int ramp;

    @Option(
            names = "--warmup",
            paramLabel = "S",
            defaultValue = "2",
            description = "seconds run before the measured ones and left out of the figures (default ${DEFAULT-VALUE})")
    private int warmup;

    @Option(
            names = "--ask-every",
            paramLabel = "S",
            defaultValue = "0",
            description = "each session also asks the assistant a question every S seconds (default ${DEFAULT-VALUE}: "
                    + "never); assistant errors count with the server errors")
    private int askEvery;

    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final PrintStream out;
    private final PrintStream err;
    /** Shared by every session, and kept here: a client that is garbage-collected closes its sockets. */
    private WebSocketClient client;

    LoadgenCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        URI endpoint = parseUrl(url);
        LoadPlan plan = new LoadPlan(
                endpoint,
                target(endpoint),
                OptionValues.within(spec, "--sessions", sessions, 1, 100_000),
                OptionValues.within(spec, "--fps", fps, 1, 1000),
                OptionValues.within(spec, "--duration", duration, 1, 86_400),
                frames,
                OptionValues.within(spec, "--inflight", inflight, 1, 1024),
                OptionValues.within(spec, "--ramp", ramp, 0, 3600),
                OptionValues.within(spec, "--warmup", warmup, 0, 3600),
                OptionValues.within(spec, "--ask-every", askEvery, 0, 86_400));
        byte[][] images = loadImages(plan.frames());
        if (plan.rampS() > plan.warmupS()) {
            err.printf(
                    "palmreader loadgen: sessions start over %d s but the warm-up is %d s: the first measured seconds "
                            + "offer less than %d fps%n",
                    plan.rampS(), plan.warmupS(), plan.sessions() * plan.fps());
        }

        // As the node: epoll where it loads, whose timers pace the sessions without spinning.
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        try {
            client = vertx.createWebSocketClient(new WebSocketClientOptions()
                    // The default allows 50 connections per server; every session here needs its own.
                    .setMaxConnections(plan.sessions())
                    .setConnectTimeout(CONNECT_TIMEOUT_MS));
            return drive(vertx, plan, images);
        } finally {
            close(vertx);
        }
    }

    private void close(Vertx vertx) {
        try {
            if (client != null) {
                client.close().await(10, TimeUnit.SECONDS);
            }
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            err.println("palmreader loadgen: Vert.x did not close within 10 s");
        }
    }

    private int drive(Vertx vertx, LoadPlan plan, byte[][] images) {
        LoadTally tally = new LoadTally();
        List<Context> loops =
                eventLoopContexts(vertx, Math.min(plan.sessions(), VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE));
        long startNanos = System.nanoTime();
        long endNanos = startNanos + (plan.warmupS() + plan.durationS()) * SECOND_NANOS;
        List<LoadSession> sessions = new ArrayList<>(plan.sessions());
        for (int i = 0; i < plan.sessions(); i++) {
            LoadSession session = new LoadSession(
                    i,
                    vertx,
                    client,
                    plan.target(),
                    images,
                    plan.fps(),
                    plan.inflight(),
                    endNanos,
                    tally,
                    plan.askEveryS() * 1000L);
            sessions.add(session);
            long delayMs = Math.max(1, plan.rampS() * 1000L * i / plan.sessions());
            // Started from a timer on its own context: the session's socket and timers stay on that event loop.
            loops.get(i % loops.size()).runOnContext(v -> vertx.setTimer(delayMs, t -> session.start()));
        }
        err.printf(
                "palmreader loadgen: %d sessions × %d fps to %s, %d s warm-up + %d s measured%n",
                plan.sessions(), plan.fps(), plan.url(), plan.warmupS(), plan.durationS());

        LoadReport report = new LoadReport(out, err, plan);
        Snapshot previous = tally.snapshot();
        Snapshot measureStart = plan.warmupS() == 0 ? previous : null;
        Snapshot measureEnd = null;
        boolean limitsChecked = false;
        int totalS = plan.warmupS() + plan.durationS();
        for (int second = 1; second <= totalS; second++) {
            if (!sleepUntil(startNanos + second * SECOND_NANOS)) {
                break;
            }
            Snapshot now = tally.snapshot();
            if (!limitsChecked && tally.firstLimits() != null) {
                limitsChecked = true;
                report.warnAboutLimits(tally.firstLimits());
            }
            report.progress(second, second <= plan.warmupS(), now.since(previous), tally, previous.latencyCount());
            previous = now;
            if (second == plan.warmupS()) {
                measureStart = now;
            }
            if (second == totalS) {
                measureEnd = now;
            }
            if (tally.connectFailureCount() == plan.sessions()) {
                break;
            }
        }
        if (measureEnd == null) {
            measureEnd = tally.snapshot();
        }
        if (measureStart == null) {
            measureStart = measureEnd;
        }

        List<Future<Void>> closing = new ArrayList<>();
        sessions.forEach(s -> closing.add(s.stop()));
        try {
            Future.join(closing).await(10, TimeUnit.SECONDS);
        } catch (TimeoutException | RuntimeException e) {
            err.println("palmreader loadgen: not every session closed cleanly: " + e);
        }

        Snapshot measured = measureEnd.since(measureStart);
        report.summary(
                images.length,
                tally,
                measured,
                tally.latencies(measureStart.latencyCount(), measureEnd.latencyCount()));
        if (measured.answered() > 0) {
            return 0;
        }
        if (tally.connectedCount() == 0) {
            err.println("palmreader loadgen: cannot connect to " + plan.url() + ": " + tally.firstConnectFailure());
        } else if (tally.welcomedCount() == 0) {
            err.println("palmreader loadgen: connected to " + plan.url() + " but no session got a 'welcome'");
        } else {
            err.printf("palmreader loadgen: no answers after the warm-up to %d frames sent%n", measured.sent());
        }
        return 1;
    }

    /**
     * One context per event loop, from deploying that many empty verticles: contexts made from this thread would all
     * stick to one event loop, and a single loop cannot carry thousands of frames a second.
     */
    private static List<Context> eventLoopContexts(Vertx vertx, int count) {
        List<Context> contexts = new CopyOnWriteArrayList<>();
        try {
            vertx.deployVerticle(
                            () -> new VerticleBase() {
                                @Override
                                public Future<?> start() {
                                    contexts.add(context);
                                    return Future.succeededFuture();
                                }
                            },
                            new DeploymentOptions().setInstances(count))
                    .await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Vert.x did not start its event loops within 10 s", e);
        }
        return contexts;
    }

    /** False when interrupted: the run ends early and reports what it has. */
    private static boolean sleepUntil(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        try {
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private URI parseUrl(String text) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw OptionValues.usage(spec, "--url is not a URL: " + e.getMessage());
        }
        if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
            throw OptionValues.usage(spec, "--url must start with ws:// or wss://, was '" + text + "'");
        }
        if (url.getHost() == null) {
            throw OptionValues.usage(spec, "--url needs a host, was '" + text + "'");
        }
        return url;
    }

    private static WebSocketConnectOptions target(URI url) {
        boolean tls = url.getScheme().equals("wss");
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return new WebSocketConnectOptions()
                .setHost(url.getHost())
                .setPort(url.getPort() > 0 ? url.getPort() : tls ? 443 : 80)
                .setSsl(tls)
                .setURI(url.getRawQuery() == null ? path : path + "?" + url.getRawQuery());
    }

    private byte[][] loadImages(Path frames) {
        if (!Files.exists(frames)) {
            throw OptionValues.usage(spec, "--frames " + frames + " does not exist");
        }
        List<byte[]> images = new ArrayList<>();
        for (Path file : MediaFiles.expand(List.of(frames.toString()))) {
            if (MediaFiles.isImage(file)) {
                try {
                    images.add(Files.readAllBytes(file));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        if (images.isEmpty()) {
            throw OptionValues.usage(spec, "no JPEG or PNG photos in " + frames);
        }
        return images.toArray(new byte[0][]);
    }
}

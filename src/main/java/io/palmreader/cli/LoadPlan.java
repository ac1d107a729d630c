package io.palmreader.cli;

import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.nio.file.Path;

/** What the {@code loadgen} command line asks for. */
record LoadPlan(
        URI url,
        WebSocketConnectOptions target,
        int sessions,
        int fps,
        int durationS,
        Path frames,
        int inflight,
        int rampS,
        int warmupS,
        int askEveryS) {}

package io.palmreader.cli;

import io.palmreader.cli.LoadTally.Snapshot;
import io.palmreader.observability.Latencies;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What {@code loadgen} prints: warnings about the server's limits, a progress line a second, the Markdown report. */
final class LoadReport {

    private final PrintStream out;
    private final PrintStream err;
    private final LoadPlan plan;

    LoadReport(PrintStream out, PrintStream err, LoadPlan plan) {
        this.out = out;
        this.err = err;
        this.plan = plan;
    }

    /** The protocol's limits that would make the server drop frames without a word. */
    void warnAboutLimits(JsonObject limits) {
        if (limits.getValue("maxFps") instanceof Number maxFps && plan.fps() > maxFps.intValue()) {
            err.printf(
                    "palmreader loadgen: the server accepts %d fps per session; frames over that are dropped "
                            + "(one rate_limited notice a second) and count as lost after %d s%n",
                    maxFps.intValue(), TimeUnit.NANOSECONDS.toSeconds(LoadSession.LOST_AFTER_NANOS));
        }
        if (limits.getValue("inflight") instanceof Number serverInflight
                && plan.inflight() > serverInflight.intValue() + 1) {
            err.printf(
                    "palmreader loadgen: the server works on %d frame(s) per session and holds one more; with "
                            + "--inflight %d it drops the rest unanswered (superseded)%n",
                    serverInflight.intValue(), plan.inflight());
        }
    }

    void progress(int second, boolean warmup, Snapshot lastSecond, LoadTally tally, int latencyFrom) {
        double seconds = lastSecond.atNanos() / 1e9;
        double[] latencies = tally.latencies(latencyFrom, lastSecond.latencyCount());
        err.printf(
                Locale.ROOT,
                "%4d s%s  sessions %d/%d  sent %.0f/s  answered %.0f/s  p50 %s p99 %s ms (last second)  "
                        + "skipped %d  lost %d  errors %d%n",
                second,
                warmup ? " (warm-up)" : "",
                tally.welcomedCount(),
                plan.sessions(),
                lastSecond.sent() / seconds,
                lastSecond.answered() / seconds,
                latencies.length == 0 ? "-" : format(percentile(latencies, 50)),
                latencies.length == 0 ? "-" : format(percentile(latencies, 99)),
                lastSecond.skippedInflight() + lastSecond.skippedWriteQueue(),
                lastSecond.lost(),
                lastSecond.errorTotal());
    }

    void summary(int imageCount, LoadTally tally, Snapshot measured, double[] latencies) {
        double seconds = Math.max(1e-9, measured.atNanos() / 1e9);
        out.println("# Palmreader load test");
        out.println();
        out.printf(
                Locale.ROOT,
                "%s: %d sessions × %d fps, at most %d frame(s) unanswered per session, %d photo(s) from "
                        + "%s; %.1f s measured after %d s of warm-up (session starts spread over %d s).%n%n",
                plan.url(),
                plan.sessions(),
                plan.fps(),
                plan.inflight(),
                imageCount,
                plan.frames(),
                seconds,
                plan.warmupS(),
                plan.rampS());
        out.println("| figure | value |");
        out.println("|---|---:|");
        out.printf(
                "| sessions requested / connected / welcomed | %d / %d / %d |%n",
                plan.sessions(), tally.connectedCount(), tally.welcomedCount());
        if (tally.connectFailureCount() > 0) {
            out.printf("| connections failed | %d (%s) |%n", tally.connectFailureCount(), tally.firstConnectFailure());
        }
        Map<Short, Long> closed = tally.closedByServer();
        if (!closed.isEmpty()) {
            out.printf(
                    "| sessions closed by the server (status × sessions) | %s |%n",
                    closed.entrySet().stream()
                            .map(e -> e.getKey() + " × " + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        out.printf("| offered fps (N × F) | %d |%n", plan.sessions() * plan.fps());
        out.printf(Locale.ROOT, "| sent/s | %.1f |%n", measured.sent() / seconds);
        out.printf(Locale.ROOT, "| answered/s | %.1f |%n", measured.answered() / seconds);
        out.printf(
                Locale.ROOT,
                "| answers degraded (lite model under load) | %d (%.1f%%) |%n",
                measured.degraded(),
                measured.answered() == 0 ? 0.0 : 100.0 * measured.degraded() / measured.answered());
        if (measured.modelUnnamed() > 0) {
            out.printf("| answers not naming their model and rung | %d |%n", measured.modelUnnamed());
        }
        out.printf(
                "| frames skipped by the client (%d unanswered) | %d |%n", plan.inflight(), measured.skippedInflight());
        if (measured.skippedWriteQueue() > 0) {
            out.printf(
                    "| frames skipped by the client (socket write queue full) | %d |%n", measured.skippedWriteQueue());
        }
        out.printf(
                "| frames lost (no answer within %d s) | %d |%n",
                TimeUnit.NANOSECONDS.toSeconds(LoadSession.LOST_AFTER_NANOS), measured.lost());
        if (measured.unmatched() > 0) {
            out.printf("| answers to frames no longer awaited | %d |%n", measured.unmatched());
        }
        out.printf(
                "| server errors by code | %s |%n",
                measured.errors().isEmpty()
                        ? "none"
                        : measured.errors().entrySet().stream()
                                .map(e -> e.getKey() + " " + e.getValue())
                                .collect(Collectors.joining(", ")));
        out.printf("| frames dropped by the server (its stats messages) | %d |%n", measured.serverDropped());
        if (plan.askEveryS() > 0) {
            out.printf(
                    "| questions asked / answers completed (whole run) | %d / %d |%n",
                    tally.askedCount(), tally.answersCompletedCount());
        }
        out.printf("| latency samples | %d |%n", latencies.length);
        for (int p : new int[] {50, 95, 99}) {
            out.printf("| latency p%d ms | %s |%n", p, latencies.length == 0 ? "-" : format(percentile(latencies, p)));
        }
        out.printf(
                "| latency max ms | %s |%n",
                latencies.length == 0 ? "-" : format(Latencies.of(latencies).max()));
        out.println();
    }

    private static double percentile(double[] samples, double p) {
        return Latencies.of(samples).percentile(p);
    }

    private static String format(double ms) {
        return String.format(Locale.ROOT, ms < 10 ? "%.2f" : "%.1f", ms);
    }
}

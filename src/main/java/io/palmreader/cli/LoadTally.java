package io.palmreader.cli;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the sessions of a load run have seen so far. Sessions live on different event loops and count here as things
 * happen; the command reads {@link Snapshot}s from its own thread, once a second and at the edges of the measured
 * window, and reports differences between them.
 */
final class LoadTally {

    private final LongAdder connected = new LongAdder();
    private final LongAdder welcomed = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final AtomicReference<String> firstConnectFailure = new AtomicReference<>();
    private final AtomicReference<JsonObject> firstLimits = new AtomicReference<>();
    private final Map<Short, LongAdder> closedByServer = new ConcurrentHashMap<>();
    private final LongAdder sent = new LongAdder();
    private final LongAdder unmatched = new LongAdder();
    private final LongAdder skippedInflight = new LongAdder();
    private final LongAdder skippedWriteQueue = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final LongAdder statsMessages = new LongAdder();
    private final LongAdder serverDropped = new LongAdder();
    private final LongAdder degraded = new LongAdder();
    private final LongAdder modelUnnamed = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder asked = new LongAdder();
    private final LongAdder answersCompleted = new LongAdder();

    /** Latencies in arrival order, so a snapshot's count marks where its window begins or ends. */
    private double[] latencies = new double[4096];

    private int latencyCount;

    /** Totals at one moment. */
    record Snapshot(
            long atNanos,
            long sent,
            long answered,
            long unmatched,
            long skippedInflight,
            long skippedWriteQueue,
            long lost,
            long statsMessages,
            long serverDropped,
            long degraded,
            long modelUnnamed,
            Map<String, Long> errors,
            int latencyCount) {

        long errorTotal() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        /** What happened between {@code earlier} and this snapshot (latencyCount stays this snapshot's). */
        Snapshot since(Snapshot earlier) {
            Map<String, Long> delta = new TreeMap<>();
            errors.forEach((code, n) -> {
                long d = n - earlier.errors.getOrDefault(code, 0L);
                if (d > 0) {
                    delta.put(code, d);
                }
            });
            return new Snapshot(
                    atNanos - earlier.atNanos,
                    sent - earlier.sent,
                    answered - earlier.answered,
                    unmatched - earlier.unmatched,
                    skippedInflight - earlier.skippedInflight,
                    skippedWriteQueue - earlier.skippedWriteQueue,
                    lost - earlier.lost,
                    statsMessages - earlier.statsMessages,
                    serverDropped - earlier.serverDropped,
                    degraded - earlier.degraded,
                    modelUnnamed - earlier.modelUnnamed,
                    delta,
                    latencyCount);
        }
    }

    /** A question sent to the assistant. */
    void asked() {
        asked.increment();
    }

    /** An assistant answer streamed to its end. */
    void answerCompleted() {
        answersCompleted.increment();
    }

    long askedCount() {
        return asked.sum();
    }

    long answersCompletedCount() {
        return answersCompleted.sum();
    }

    void connected() {
        connected.increment();
    }

    void connectFailed(Throwable cause) {
        connectFailures.increment();
        firstConnectFailure.compareAndSet(
                null, String.valueOf(cause.getMessage() != null ? cause.getMessage() : cause));
    }

    void welcomed(JsonObject limits) {
        welcomed.increment();
        firstLimits.compareAndSet(null, limits);
    }

    void closedByServer(Short status) {
        closedByServer
                .computeIfAbsent(status == null ? -1 : status, s -> new LongAdder())
                .increment();
    }

    void sent() {
        sent.increment();
    }

    /** An answer and its latency; answers are counted by their latencies, so the two always agree. */
    void answered(double latencyMs) {
        synchronized (this) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = latencyMs;
        }
    }

    /**
     * What an answer says ran: {@code rung} above 0 is an answer degraded under load; an answer that does not name its
     * model and rung is counted apart.
     */
    void ranOn(Object model, Object rung) {
        if (!(model instanceof String) || !(rung instanceof Integer r)) {
            modelUnnamed.increment();
        } else if (r > 0) {
            degraded.increment();
        }
    }

    /** A {@code hands} message for a frame this client does not wait for (written off as lost, or never sent). */
    void unmatched() {
        unmatched.increment();
    }

    void skippedInflight() {
        skippedInflight.increment();
    }

    void skippedWriteQueue() {
        skippedWriteQueue.increment();
    }

    void lost(int frames) {
        lost.add(frames);
    }

    void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** A {@code stats} message; {@code newlyDropped} is how far the session's {@code dropped} total has grown. */
    void stats(long newlyDropped) {
        statsMessages.increment();
        serverDropped.add(newlyDropped);
    }

    long connectedCount() {
        return connected.sum();
    }

    long welcomedCount() {
        return welcomed.sum();
    }

    long connectFailureCount() {
        return connectFailures.sum();
    }

    String firstConnectFailure() {
        return firstConnectFailure.get();
    }

    /** The limits of the first {@code welcome}; null before one came. */
    JsonObject firstLimits() {
        return firstLimits.get();
    }

    Map<Short, Long> closedByServer() {
        Map<Short, Long> copy = new TreeMap<>();
        closedByServer.forEach((status, n) -> copy.put(status, n.sum()));
        return copy;
    }

    Snapshot snapshot() {
        Map<String, Long> errorCopy = new TreeMap<>();
        errors.forEach((code, n) -> errorCopy.put(code, n.sum()));
        int count;
        synchronized (this) {
            count = latencyCount;
        }
        return new Snapshot(
                System.nanoTime(),
                sent.sum(),
                count,
                unmatched.sum(),
                skippedInflight.sum(),
                skippedWriteQueue.sum(),
                lost.sum(),
                statsMessages.sum(),
                serverDropped.sum(),
                degraded.sum(),
                modelUnnamed.sum(),
                errorCopy,
                count);
    }

    /** The latencies recorded between two snapshots' counts. */
    double[] latencies(int from, int to) {
        synchronized (this) {
            return Arrays.copyOfRange(latencies, from, to);
        }
    }
}

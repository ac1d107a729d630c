package io.palmreader.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application's own meters, all named {@code palmreader_…} in Prometheus. They live in the registry that
 * Vert.x's metrics expose at {@code /metrics}; without metrics enabled they are kept in a private registry.
 */
public final class PalmreaderMetrics {

    private static final Duration[] LATENCY_SLOS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(20),
        Duration.ofMillis(35),
        Duration.ofMillis(50),
        Duration.ofMillis(75),
        Duration.ofMillis(100),
        Duration.ofMillis(150),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1)
    };

    private static final Duration[] BATCH_SLOS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(20),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500)
    };

    private final MeterRegistry registry;
    private final Map<String, Counter> refusedConnections = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusedMessages = new ConcurrentHashMap<>();
    private final Map<String, Counter> shed = new ConcurrentHashMap<>();
    private final Map<String, Counter> degraded = new ConcurrentHashMap<>();
    // Meters are looked up once per tag combination: building and registering one per frame costs more than the
    // frame's own bookkeeping at thousands of frames a second.
    private final Counter received;
    private final Map<String, Counter> processed = new ConcurrentHashMap<>();
    private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
    private final Map<String, Timer> stages = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> batches = new ConcurrentHashMap<>();
    private final Map<String, Timer> batchCompute = new ConcurrentHashMap<>();
    private final Map<String, long[]> deviceMemory = new ConcurrentHashMap<>();
    private final Map<String, Counter> answers = new ConcurrentHashMap<>();
    private final Timer timeToFirstToken;
    private final Timer timeToFirstThought;
    private final DistributionSummary tokensPerSecond;
    private final AtomicInteger breakerState = new AtomicInteger();
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger inferenceWorkers = new AtomicInteger();
    private final AtomicInteger pendingFrames = new AtomicInteger();

    private PalmreaderMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("palmreader.sessions", sessions);
        registry.gauge("palmreader.frames.queued", pendingFrames);
        registry.gauge("palmreader.inference.workers", inferenceWorkers);
        received = Counter.builder("palmreader.frames.received").register(registry);
        timeToFirstToken = Timer.builder("palmreader.assistant.first.token")
                .serviceLevelObjectives(LATENCY_SLOS)
                .register(registry);
        timeToFirstThought = Timer.builder("palmreader.assistant.first.thought")
                .serviceLevelObjectives(LATENCY_SLOS)
                .register(registry);
        tokensPerSecond = DistributionSummary.builder("palmreader.assistant.tokens.per.second")
                .register(registry);
        registry.gauge("palmreader.assistant.breaker.state", breakerState);
    }

    private static PalmreaderMetrics shared;

    /**
     * The meters in Vert.x's default registry (one per process); callers keep the instance. A new Vert.x with its
     * own registry (tests start several) gets new meters.
     */
    public static synchronized PalmreaderMetrics get() {
        MeterRegistry registry = BackendRegistries.getDefaultNow();
        if (shared == null || registry != null && shared.registry != registry) {
            shared = new PalmreaderMetrics(registry != null ? registry : new SimpleMeterRegistry());
        }
        return shared;
    }

    public void frameReceived() {
        received.increment();
    }

    public void frameProcessed(String worker) {
        processed
                .computeIfAbsent(
                        worker,
                        w -> Counter.builder("palmreader.frames.processed")
                                .tag("worker", w)
                                .register(registry))
                .increment();
    }

    /**
     * Registers every reason of a kind at zero, so dashboards and alerts see a series before the first drop or
     * refusal: {@code kind} is {@code dropped}, {@code connections} or {@code messages}.
     */
    public void declare(String kind, MetricTag... reasons) {
        for (MetricTag reason : reasons) {
            switch (kind) {
                case "dropped" -> count(dropped, "palmreader.frames.dropped", "reason", reason.tag(), 0);
                case "connections" ->
                    count(refusedConnections, "palmreader.connections.refused", "reason", reason.tag(), 0);
                case "messages" -> count(refusedMessages, "palmreader.messages.refused", "reason", reason.tag(), 0);
                default -> throw new IllegalArgumentException("no reasons of kind " + kind);
            }
        }
    }

    /** A frame that was not answered with hands, and why. */
    public void frameDropped(MetricTag reason) {
        count(dropped, "palmreader.frames.dropped", "reason", reason.tag(), 1);
    }

    /** A frame answered on a lower rung than its session asked for ({@code rung}: what it ran on instead). */
    public void frameDegraded(String worker, MetricTag rung) {
        workerCounter(degraded, "palmreader.frames.degraded", worker, "rung", rung);
    }

    /** A frame a worker refused without running it: its queue was too long, or its sender had given up. */
    public void frameShed(String worker, MetricTag reason) {
        workerCounter(shed, "palmreader.frames.shed", worker, "reason", reason);
    }

    private void workerCounter(Map<String, Counter> counters, String name, String worker, String key, MetricTag tag) {
        counters.computeIfAbsent(
                        worker + '\0' + tag.tag(),
                        k -> Counter.builder(name)
                                .tag("worker", worker)
                                .tag(key, tag.tag())
                                .register(registry))
                .increment();
    }

    /** A WebSocket upgrade or session refused: bad origin, no valid token, too many sessions, ... */
    public void connectionRefused(MetricTag reason) {
        count(refusedConnections, "palmreader.connections.refused", "reason", reason.tag(), 1);
    }

    /** A text message refused (too large, malformed, beyond the socket's limit). */
    public void messageRefused(MetricTag reason) {
        count(refusedMessages, "palmreader.messages.refused", "reason", reason.tag(), 1);
    }

    /** Adds to the counter {@code name} with one tag, registered on first use ({@code n} 0 only registers it). */
    private void count(Map<String, Counter> counters, String name, String tag, String value, int n) {
        counters.computeIfAbsent(value, v -> Counter.builder(name).tag(tag, v).register(registry))
                .increment(n);
    }

    /** Time of one pipeline stage ({@code decode, palm, landmarks, classify, total, queue, server}). */
    public void stage(String stage, String worker, double ms) {
        stages.computeIfAbsent(
                        stage + '\0' + worker,
                        k -> Timer.builder("palmreader.stage.latency")
                                .tag("stage", stage)
                                .tag("worker", worker)
                                .serviceLevelObjectives(LATENCY_SLOS)
                                .register(registry))
                .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
    }

    public void batch(String worker, int size) {
        batches.computeIfAbsent(
                        worker,
                        w -> DistributionSummary.builder("palmreader.batch.size")
                                .tag("worker", w)
                                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
                                .register(registry))
                .record(size);
    }

    /** Time one batch spent in the pipeline on its worker (on a GPU worker: its time on the device, with copies). */
    public void batchCompute(String worker, double ms) {
        batchCompute
                .computeIfAbsent(
                        worker,
                        w -> Timer.builder("palmreader.batch.compute")
                                .tag("worker", w)
                                .serviceLevelObjectives(BATCH_SLOS)
                                .register(registry))
                .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
    }

    /** A GPU worker's device memory, as last sampled. */
    public void deviceMemory(String worker, int device, String name, long freeBytes, long totalBytes) {
        long[] memory = deviceMemory.computeIfAbsent(worker, w -> {
            long[] cell = new long[2];
            Tags tags = Tags.of("worker", w, "device", Integer.toString(device), "name", name);
            Gauge.builder("palmreader.gpu.memory.free", cell, c -> c[0])
                    .baseUnit("bytes")
                    .tags(tags)
                    .register(registry);
            Gauge.builder("palmreader.gpu.memory.total", cell, c -> c[1])
                    .baseUnit("bytes")
                    .tags(tags)
                    .register(registry);
            return cell;
        });
        memory[0] = freeBytes;
        memory[1] = totalBytes;
    }

    /** How an assistant answer ended: {@code completed}, {@code stopped}, or an error code. */
    public void answer(String outcome) {
        count(answers, "palmreader.assistant.answers", "outcome", outcome, 1);
    }

    /** From the request to the LLM server to the first piece of a reasoning model's thoughts. */
    public void timeToFirstThought(double ms) {
        timeToFirstThought.record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
    }

    /** From the request to the LLM server to its first token of answer (thoughts do not count). */
    public void timeToFirstToken(double ms) {
        timeToFirstToken.record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
    }

    public void tokensPerSecond(double rate) {
        tokensPerSecond.record(rate);
    }

    /** The Ollama circuit breaker: 0 closed, 1 half open, 2 open. */
    public AtomicInteger breakerState() {
        return breakerState;
    }

    /** Inference workers running on this node: its capacity, in worker threads. */
    public AtomicInteger inferenceWorkers() {
        return inferenceWorkers;
    }

    public AtomicInteger sessions() {
        return sessions;
    }

    /** Frames handed to the event bus and not yet answered, over all sessions of this node. */
    public AtomicInteger pendingFrames() {
        return pendingFrames;
    }

    public MeterRegistry registry() {
        return registry;
    }
}

package io.palmreader.inference;

import io.palmreader.vision.ComputeTarget;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * Where one inference worker runs, as the node placed it ({@link InferencePlacement}): keys the node adds to the
 * worker's deployment config, written by {@link #writeTo} and read by {@link #from}, never set by users (so not in
 * README's configuration table).
 *
 * @param workerId          the worker's name in logs and metrics ({@code node-1/gpu-0})
 * @param target            where its networks run
 * @param workerPool        the named pool its networks run on
 * @param workerPoolSize    threads of that pool (one per instance)
 * @param maxExecuteTimeMs  longest one call on the pool may block before Vert.x warns, ms
 */
public record WorkerConfig(
        String workerId, ComputeTarget target, String workerPool, int workerPoolSize, long maxExecuteTimeMs) {

    /** A CPU worker on pool {@code inference-cpu}, as deployed without a node (a verticle deployed by hand). */
    public static final WorkerConfig DEFAULT = new WorkerConfig("cpu", ComputeTarget.CPU, "inference-cpu", 1, 120_000L);

    /** The node's local map of the worker names taken, so that each instance of a deployment has its own. */
    public static final String NAMES = "palmreader.inference.workers";

    private static final String WORKER_ID = "workerId";
    private static final String CUDA_DEVICE = "cudaDevice";
    private static final String FP16 = "fp16";
    private static final String WORKER_POOL = "workerPool";
    private static final String WORKER_POOL_SIZE = "workerPoolSize";
    private static final String MAX_EXECUTE_TIME_MS = "maxExecuteTimeMs";

    /** Reads the placement from a worker's deployment config; a key absent takes {@link #DEFAULT}'s value. */
    public static WorkerConfig from(JsonObject json) {
        ComputeTarget target = new ComputeTarget(
                json.getInteger(CUDA_DEVICE, DEFAULT.target.cudaDevice()),
                json.getBoolean(FP16, DEFAULT.target.fp16()));
        return new WorkerConfig(
                json.getString(WORKER_ID, DEFAULT.workerId),
                target,
                json.getString(WORKER_POOL, DEFAULT.workerPool),
                json.getInteger(WORKER_POOL_SIZE, DEFAULT.workerPoolSize),
                json.getLong(MAX_EXECUTE_TIME_MS, DEFAULT.maxExecuteTimeMs));
    }

    /**
     * This worker with a name of its own among the instances of one deployment ({@code node-1/cpu-0},
     * {@code node-1/cpu-1}: what logs and per-worker metrics tell apart), the first free in {@code taken}; a deployment
     * of one instance keeps its name ({@code node-1/gpu-0}).
     */
    public WorkerConfig numbered(LocalMap<String, Boolean> taken) {
        if (workerPoolSize <= 1) {
            return this;
        }
        for (int i = 0; ; i++) {
            String id = workerId + "-" + i;
            if (taken.putIfAbsent(id, Boolean.TRUE) == null) {
                return new WorkerConfig(id, target, workerPool, workerPoolSize, maxExecuteTimeMs);
            }
        }
    }

    /** Puts this placement into {@code json} (a copy of the node's config, for the worker's deployment); returns it. */
    public JsonObject writeTo(JsonObject json) {
        return json.put(WORKER_ID, workerId)
                .put(CUDA_DEVICE, target.cudaDevice())
                .put(FP16, target.fp16())
                .put(WORKER_POOL, workerPool)
                .put(WORKER_POOL_SIZE, workerPoolSize)
                .put(MAX_EXECUTE_TIME_MS, maxExecuteTimeMs);
    }
}

package io.palmreader.inference;

import io.palmreader.config.ConfigException;
import io.palmreader.config.Settings;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import java.util.List;
import java.util.Locale;

/**
 * Where and how a node runs inference; keys under {@code inference.} (README, Configuration).
 *
 * @param echo             answer without running the model (transport and load tests only)
 * @param echoCosts        with {@code echo}: how long each frame occupies the worker, ms, by rung
 * @param device           {@code auto}, {@code cpu} or {@code cuda}
 * @param gpus             CUDA devices to run workers on; empty: all
 * @param fp16             run the networks in half precision on CUDA
 * @param workers          CPU workers on this node, {@link #AUTO} for one per core
 * @param opencvThreads    OpenCV's threads per call (process-wide), {@link #AUTO} for cores / workers
 * @param engine           {@code auto}, {@code tflite} or {@code opencv}: what runs the networks
 * @param threadsPerWorker threads one worker's engine uses (TensorFlow Lite's XNNPACK threads)
 * @param maxBatch         most frames run through the networks together; {@link #AUTO} for the target's default
 * @param maxBatchDelayMs  longest a frame waits for others to join its batch
 * @param pipeline         the default model, hand count and thresholds
 * @param prepThreads      threads of the node's shared pool that decode frames ahead of the workers; {@code 0}: each
 *                         worker decodes its own frames; {@link #AUTO}: all cores but one for GPU workers, none for
 *                         CPU workers (which already use every core)
 * @param maxQueueMs       longest a frame may expect to spend at a worker, waiting and being run; beyond that the
 *                         worker refuses it at once (busy) rather than answer it late
 * @param degrade          under load, run frames on the lower rungs of the {@link QualityLadder} (the lite model,
 *                         then fewer palm searches) before refusing any
 */
public record InferenceConfig(
        boolean echo,
        FrameCosts echoCosts,
        String device,
        List<Integer> gpus,
        boolean fp16,
        int workers,
        int opencvThreads,
        String engine,
        int threadsPerWorker,
        int maxBatch,
        int maxBatchDelayMs,
        PipelineOptions pipeline,
        int prepThreads,
        int maxQueueMs,
        boolean degrade) {

    public static final int AUTO = -1;
    /**
     * {@code inference.maxBatch} on the CPU: TensorFlow Lite runs a batch's frames one by one, so a larger batch only
     * makes its first frames wait for the last.
     */
    public static final int CPU_MAX_BATCH = 1;
    /** {@code inference.maxBatch} on CUDA, where one pass over many frames costs little more than over one. */
    public static final int CUDA_MAX_BATCH = 8;
    /**
     * Default {@code inference.maxQueueMs}: on two cores, 100 ms answered as many frames as 250 ms did, with p99 latency
     * under overload halved (README, Server performance).
     */
    public static final int DEFAULT_MAX_QUEUE_MS = 100;
    /**
     * Default {@code inference.maxPixels}: a 1080p webcam frame is 2.1 megapixels; a frame declaring more than 4 is
     * refused before it is decoded.
     */
    public static final int DEFAULT_MAX_PIXELS = 4_000_000;

    public static InferenceConfig from(Settings s) {
        PipelineOptions options = PipelineOptions.defaults()
                .withModel(ModelVariant.parse(s.oneOf("inference.model", "full", "lite", "full")))
                .withMaxHands(s.integer("inference.maxHands", PipelineOptions.DEFAULT_MAX_HANDS, 1, 16))
                .withPalmSearchInterval(s.integer(
                        "inference.palmSearchInterval", PipelineOptions.DEFAULT_PALM_SEARCH_INTERVAL, 1, 1000))
                .withMaxPixels(s.integer("inference.maxPixels", DEFAULT_MAX_PIXELS, 64 * 64, 100_000_000));
        String device = s.oneOf("inference.device", "auto", "auto", "cpu", "cuda");
        String engine = s.oneOf("inference.engine", "auto", "auto", "tflite", "opencv");
        if (engine.equals("tflite") && device.equals("cuda")) {
            throw new ConfigException("inference.engine = tflite runs on the CPU only, but inference.device = cuda; "
                    + "use inference.engine = opencv (or auto) on CUDA");
        }
        return new InferenceConfig(
                s.oneOf("inference.mode", "model", "model", "echo").equals("echo"),
                echoCosts(s.list("inference.echoDelayMs")),
                device,
                gpus(s.string("inference.gpus", "all")),
                s.oneOf("inference.precision", "fp32", "fp32", "fp16").equals("fp16"),
                s.integerOrAuto("inference.workers", AUTO, 1, 256),
                s.integerOrAuto("inference.opencvThreads", AUTO, 1, 256),
                engine,
                s.integer("inference.threadsPerWorker", 1, 1, 256),
                s.integerOrAuto("inference.maxBatch", AUTO, 1, 256),
                s.integer("inference.maxBatchDelayMs", 0, 0, 1000),
                options,
                s.integerOrAuto("inference.prepThreads", AUTO, 0, 256),
                s.integer("inference.maxQueueMs", DEFAULT_MAX_QUEUE_MS, 1, 600_000),
                s.oneOf("inference.degrade", "lite", "lite", "off").equals("lite"));
    }

    /** One delay for every rung, or three: the full model's, the lite model's, and the lite model's searching less. */
    private static FrameCosts echoCosts(List<String> values) {
        try {
            List<Integer> ms = values.stream().map(Integer::parseInt).toList();
            if ((ms.size() == 1 || ms.size() == 3) && ms.stream().allMatch(v -> v >= 0 && v <= 60_000)) {
                return ms.size() == 1 ? FrameCosts.uniform(ms.get(0)) : new FrameCosts(ms.get(0), ms.get(1), ms.get(2));
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        if (values.isEmpty()) {
            return FrameCosts.uniform(0);
        }
        throw new ConfigException("inference.echoDelayMs must be one delay or three (full, lite, lite searching less "
                + "often), each 0 to 60000 ms; was '" + String.join(",", values) + "'");
    }

    private static List<Integer> gpus(String value) {
        String text = value.trim();
        if (text.isEmpty() || text.equals("all")) {
            return List.of();
        }
        try {
            return java.util.Arrays.stream(text.split(","))
                    .map(String::trim)
                    .map(Integer::parseInt)
                    .distinct()
                    .sorted()
                    .toList();
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    "inference.gpus must be 'all' or CUDA device numbers like 0,1; was '" + value + "'");
        }
    }

    /** Whether CUDA may be probed for: not in echo mode, not on {@code device = cpu}, not for the tflite engine. */
    public String cudaRuledOut() {
        if (echo) {
            return "inference.mode = echo runs no model";
        }
        if (device.equals("cpu")) {
            return "inference.device = cpu";
        }
        return engine.equals("tflite") ? "inference.engine = tflite runs on the CPU" : null;
    }

    /** CPU workers on a machine of {@code cores}. */
    public int workersFor(int cores) {
        return workers == AUTO ? cores : workers;
    }

    /** OpenCV threads per call with {@code workers} CPU workers on {@code cores}. */
    public int opencvThreadsFor(int cores, int workers) {
        return opencvThreads == AUTO ? Math.max(1, cores / workers) : opencvThreads;
    }

    /**
     * The engine for a worker on {@code target}.
     *
     * @throws ConfigException when {@code inference.engine} cannot run there (tflite on a CUDA worker)
     */
    public EngineOptions engineFor(ComputeTarget target) {
        try {
            return EngineOptions.choose(engine, target, threadsPerWorker);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("inference.engine = " + engine + ": " + e.getMessage());
        }
    }

    /** The batch limit for a worker on {@code target}, {@code auto} resolved. */
    public int maxBatchFor(ComputeTarget target) {
        if (maxBatch != AUTO) {
            return maxBatch;
        }
        return target.isCuda() ? CUDA_MAX_BATCH : CPU_MAX_BATCH;
    }

    /** Threads decoding ahead for a worker on {@code target}: none in echo mode, which decodes nothing. */
    public int decodeAheadThreadsFor(ComputeTarget target) {
        return echo ? 0 : prepThreadsFor(target);
    }

    /** What a worker on {@code target} does with frames, for its start-up line. */
    public String describe(ComputeTarget target) {
        int prep = decodeAheadThreadsFor(target);
        return String.format(
                Locale.ROOT,
                "%s model, batches up to %d frame(s) within %d ms, %s beyond %d ms at the worker%s",
                pipeline.model().id(),
                maxBatchFor(target),
                maxBatchDelayMs,
                degrade ? "frames degraded to the lite model, then refused," : "frames refused",
                maxQueueMs,
                prep > 0 ? ", decoding on " + prep + " " + DecodeAhead.POOL + " threads" : "");
    }

    /** Decoding threads for a worker on {@code target}, {@code auto} resolved. */
    public int prepThreadsFor(ComputeTarget target) {
        if (prepThreads != AUTO) {
            return prepThreads;
        }
        // A GPU answers a batch in a fraction of a millisecond per frame while a 640 × 480 JPEG takes about 1.4 ms to
        // decode on one core: all but one core of the node decode for its GPU workers.
        return target.isCuda() ? Math.max(2, Runtime.getRuntime().availableProcessors() - 1) : 0;
    }
}

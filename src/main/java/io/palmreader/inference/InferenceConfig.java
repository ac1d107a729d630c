package io.palmreader.inference;

import io.palmreader.config.ConfigException;
import io.palmreader.config.Settings;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;

/**
 * How an inference worker runs; keys under {@code inference.} (README, Configuration).
 *
 * @param echo             answer without running the model (transport and load tests only)
 * @param echoDelayMs      with {@code echo}: how long each frame occupies the worker, ms
 * @param engine           {@code auto}, {@code tflite} or {@code opencv}: what runs the networks
 * @param threadsPerWorker threads one worker's engine uses (TensorFlow Lite's XNNPACK threads)
 * @param maxBatch         most frames run through the networks together; {@link #AUTO} for the target's default
 * @param maxBatchDelayMs  longest a frame waits for others to join its batch
 * @param pipeline         the default model, hand count and thresholds
 * @param maxQueueMs       longest a frame may expect to spend at a worker, waiting and being run; beyond that the
 *                         worker refuses it at once (busy) rather than answer it late
 * @param answerTimeoutMs  how long a gateway waits for an answer ({@code session.answerTimeoutMs}): frames older
 *                         than that are no longer awaited and are not run
 * @param prepThreads      threads of the node's shared pool that decode frames ahead of the workers; {@code 0}: each
 *                         worker decodes its own frames; {@link #AUTO_PREP}: all cores but one for GPU workers, none
 *                         for CPU workers (which already use every core)
 */
public record InferenceConfig(boolean echo, int echoDelayMs, String engine, int threadsPerWorker, int maxBatch,
                              int maxBatchDelayMs, PipelineOptions pipeline, int prepThreads, int maxQueueMs,
                              int answerTimeoutMs) {

  public static final int AUTO_PREP = -1;
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

  public static InferenceConfig from(Settings s) {
    boolean echo = s.oneOf("inference.mode", "model", "model", "echo").equals("echo");
    PipelineOptions options = PipelineOptions.defaults()
        .withModel(ModelVariant.parse(s.oneOf("inference.model", "full", "lite", "full")))
        .withMaxHands(s.integer("inference.maxHands", PipelineOptions.DEFAULT_MAX_HANDS, 1, 16))
        .withPalmSearchInterval(s.integer("inference.palmSearchInterval", PipelineOptions.DEFAULT_PALM_SEARCH_INTERVAL,
            1, 1000));
    int prep = s.integerOrAuto("inference.prepThreads", AUTO_PREP, 0, 256);
    return new InferenceConfig(echo, s.integer("inference.echoDelayMs", 0, 0, 60_000),
        s.oneOf("inference.engine", "auto", "auto", "tflite", "opencv"),
        s.integer("inference.threadsPerWorker", 1, 1, 256),
        s.integerOrAuto("inference.maxBatch", AUTO, 1, 256),
        s.integer("inference.maxBatchDelayMs", 0, 0, 1000), options, prep,
        s.integer("inference.maxQueueMs", DEFAULT_MAX_QUEUE_MS, 1, 600_000),
        s.integer("session.answerTimeoutMs", 1_000, 100, 600_000));
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

  /** Decoding threads for a worker on {@code target}, {@code auto} resolved. */
  public int prepThreadsFor(ComputeTarget target) {
    if (prepThreads != AUTO_PREP) {
      return prepThreads;
    }
    // A GPU answers a batch in a fraction of a millisecond per frame while a 640 × 480 JPEG takes about 1.4 ms to
    // decode on one core: all but one core of the node decode for its GPU workers.
    return target.isCuda() ? Math.max(2, Runtime.getRuntime().availableProcessors() - 1) : 0;
  }
}

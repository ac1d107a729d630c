package io.palmreader.inference;

import io.palmreader.config.Settings;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;

/**
 * How an inference worker runs; keys under {@code inference.} (README, Configuration).
 *
 * @param echo             answer without running the model (transport benchmark only)
 * @param maxBatch         most frames run through the networks together
 * @param maxBatchDelayMs  longest a frame waits for others to join its batch
 * @param pipeline         the default model, hand count and thresholds
 * @param maxQueueMs       longest a frame may expect to wait for its batch; beyond that the worker refuses it at
 *                         once (busy) rather than answer it late
 * @param answerTimeoutMs  how long a gateway waits for an answer ({@code session.answerTimeoutMs}): frames older
 *                         than that are no longer awaited and are not run
 * @param prepThreads      threads of the node's shared pool that decode frames ahead of the workers; {@code 0}: each
 *                         worker decodes its own frames; {@link #AUTO_PREP}: all cores but one for GPU workers, none
 *                         for CPU workers (which already use every core)
 */
public record InferenceConfig(boolean echo, int maxBatch, int maxBatchDelayMs, PipelineOptions pipeline,
                              int prepThreads, int maxQueueMs, int answerTimeoutMs) {

  public static final int AUTO_PREP = -1;

  public static InferenceConfig from(Settings s) {
    boolean echo = s.oneOf("inference.mode", "model", "model", "echo").equals("echo");
    PipelineOptions options = PipelineOptions.defaults()
        .withModel(ModelVariant.parse(s.oneOf("inference.model", "full", "lite", "full")))
        .withMaxHands(s.integer("inference.maxHands", PipelineOptions.DEFAULT_MAX_HANDS, 1, 16))
        .withPalmSearchInterval(s.integer("inference.palmSearchInterval", PipelineOptions.DEFAULT_PALM_SEARCH_INTERVAL,
            1, 1000));
    int prep = s.integerOrAuto("inference.prepThreads", AUTO_PREP, 0, 256);
    return new InferenceConfig(echo, s.integer("inference.maxBatch", 8, 1, 256),
        s.integer("inference.maxBatchDelayMs", 0, 0, 1000), options, prep,
        s.integer("inference.maxQueueMs", 250, 1, 600_000), s.integer("session.answerTimeoutMs", 1_000, 100, 600_000));
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

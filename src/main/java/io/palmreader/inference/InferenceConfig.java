package io.palmreader.inference;

import io.palmreader.config.Settings;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;

/**
 * How an inference worker runs; keys under {@code inference.} (README, Configuration).
 *
 * @param echo             answer without running the model (transport benchmark only)
 * @param maxBatch         most frames run through the networks together
 * @param maxBatchDelayMs  longest a frame waits for others to join its batch
 * @param pipeline         the default model, hand count and thresholds
 */
public record InferenceConfig(boolean echo, int maxBatch, int maxBatchDelayMs, PipelineOptions pipeline) {

  public static InferenceConfig from(Settings s) {
    boolean echo = s.oneOf("inference.mode", "model", "model", "echo").equals("echo");
    PipelineOptions options = PipelineOptions.defaults()
        .withModel(ModelVariant.parse(s.oneOf("inference.model", "full", "lite", "full")))
        .withMaxHands(s.integer("inference.maxHands", PipelineOptions.DEFAULT_MAX_HANDS, 1, 16))
        .withPalmSearchInterval(s.integer("inference.palmSearchInterval", PipelineOptions.DEFAULT_PALM_SEARCH_INTERVAL,
            1, 1000));
    return new InferenceConfig(echo, s.integer("inference.maxBatch", 8, 1, 256),
        s.integer("inference.maxBatchDelayMs", 0, 0, 1000), options);
  }
}

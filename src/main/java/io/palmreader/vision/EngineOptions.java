package io.palmreader.vision;

/**
 * Which engine runs a pipeline's networks, where, and with how many threads.
 *
 * @param kind    TensorFlow Lite (CPU) or OpenCV DNN (CPU or CUDA)
 * @param target  the CPU, or the CUDA device OpenCV runs on
 * @param threads threads one network call may use (XNNPACK's threads; OpenCV sets its own process-wide)
 */
public record EngineOptions(EngineKind kind, ComputeTarget target, int threads) {

    /** TensorFlow Lite on the CPU, one thread: the default. */
    public static final EngineOptions CPU = new EngineOptions(EngineKind.TFLITE, ComputeTarget.CPU, 1);

    public EngineOptions {
        if (kind == null || target == null) {
            throw new IllegalArgumentException("an engine needs a kind and a target");
        }
        if (kind == EngineKind.TFLITE && target.isCuda()) {
            throw new IllegalArgumentException("the tflite engine runs on the CPU only, not on " + target);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be between 1 and 256, was " + threads);
        }
    }

    /** The engine {@code choice} ({@code auto}, {@code tflite}, {@code opencv}) stands for on {@code target}. */
    public static EngineOptions choose(String choice, ComputeTarget target, int threads) {
        return new EngineOptions(EngineKind.choose(choice, target), target, threads);
    }

    /** Loads the networks of {@code variant} from {@code modelFolder} (null: the jar's) into a new engine. */
    public ModelEngine open(java.nio.file.Path modelFolder, ModelVariant variant) {
        return ModelEngine.open(kind, modelFolder, variant, target, threads);
    }
}

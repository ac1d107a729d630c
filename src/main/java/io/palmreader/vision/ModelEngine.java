package io.palmreader.vision;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs MediaPipe's two hand networks on prepared inputs: the palm detector on letterboxed frames and the landmark
 * model on rotated hand crops. The geometry (where each input comes from in its frame) and the decoding of the
 * outputs are the pipeline's; an engine only turns pixels into the networks' raw tensors.
 *
 * <p>Not thread-safe: an engine owns its interpreters or networks. One per thread; close it to free native memory.
 */
public interface ModelEngine extends AutoCloseable {

    /** Side of the palm detector's square input, pixels. */
    int PALM_INPUT = 192;
    /** Side of the landmark model's square input, pixels. */
    int LANDMARK_INPUT = 224;
    /** Anchors the palm detector scores per frame. */
    int PALM_ANCHORS = 2016;
    /** Values per palm anchor: box (4) and 7 keypoints (14). */
    int PALM_COORDS = 18;
    /** Values of the screen and of the world landmarks: 21 × (x, y, z). */
    int LANDMARK_VALUES = 63;

    /**
     * Where one network input is sampled from: each input pixel centre {@code (u, v)} maps to frame point
     * {@code (m[0]u + m[1]v + m[2], m[3]u + m[4]v + m[5])} with {@code m = inputToFrame}, pixel i spanning [i, i+1).
     */
    record ModelInput(Frame frame, float[] inputToFrame) {}

    /** The palm detector's outputs for one frame, anchors in SSD order. */
    record PalmTensors(float[] regressors, float[] scoreLogits) {}

    /**
     * The landmark model's outputs for one crop.
     *
     * @param screen     21 × (x, y, z) in crop pixels
     * @param world      21 × (x, y, z) in metres, in the crop's orientation
     * @param presence   probability that the crop holds a hand
     * @param leftScore  probability that it is a left hand (MediaPipe's label, which assumes a mirrored image)
     */
    record LandmarkTensors(float[] screen, float[] world, float presence, float leftScore) {}

    /** The engine, its runtime and threads, as the start-up line and reports show it. */
    String description();

    EngineKind kind();

    /** What runs slower than it should (an accelerator that took only part of a network), or null. */
    default String shortfall() {
        return null;
    }

    /** Runs the palm detector on each frame, letterboxed to 192 × 192 with zero padding. */
    List<PalmTensors> detectPalms(List<ModelInput> inputs);

    /** Runs the landmark model on each crop, 224 × 224 with edge pixels repeated outside the frame. */
    List<LandmarkTensors> findLandmarks(List<ModelInput> inputs);

    @Override
    void close();

    /**
     * Loads the models of {@code variant} into an engine of {@code kind}.
     *
     * @param modelFolder folder holding the {@code .tflite} files, or null for those packaged in the jar
     * @param target      where OpenCV runs the networks (TensorFlow Lite runs on the CPU only)
     * @param threads     threads one engine call may use
     * @throws ModelLoadException naming the file when a model is missing or not a model the engine can run
     */
    static ModelEngine open(
            EngineKind kind, Path modelFolder, ModelVariant variant, ComputeTarget target, int threads) {
        return switch (kind) {
            case TFLITE -> {
                if (target.isCuda()) {
                    throw new IllegalArgumentException("the tflite engine runs on the CPU only, not on " + target);
                }
                yield new TfLiteEngine(modelFolder, variant, threads);
            }
            case OPENCV -> new OpenCvEngine(modelFolder, variant, target);
        };
    }
}

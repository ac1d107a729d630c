package io.palmreader.vision;

import java.util.Locale;

/**
 * The runtime that executes the palm detector and the landmark model.
 *
 * <ul>
 *   <li>{@link #TFLITE}: TensorFlow Lite with its XNNPACK delegate, the runtime MediaPipe itself runs these models
 *       on; the CPU engine.</li>
 *   <li>{@link #OPENCV}: OpenCV DNN, which also has a CUDA backend; the GPU engine, and selectable on the CPU for
 *       comparison.</li>
 * </ul>
 */
public enum EngineKind {
    TFLITE,
    OPENCV;

    /** The word that chooses the engine in configuration and on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The engine for {@code choice} ({@code auto}, {@code tflite} or {@code opencv}) on {@code target}: {@code auto}
     * is TensorFlow Lite on the CPU and OpenCV on CUDA.
     *
     * @throws IllegalArgumentException for an unknown word, or TensorFlow Lite asked for on a CUDA target
     */
    public static EngineKind choose(String choice, ComputeTarget target) {
        String word = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        EngineKind kind = switch (word) {
            case "auto" -> target.isCuda() ? OPENCV : TFLITE;
            case "tflite" -> TFLITE;
            case "opencv" -> OPENCV;
            default ->
                throw new IllegalArgumentException("engine must be auto, tflite or opencv, was '" + choice + "'");
        };
        if (kind == TFLITE && target.isCuda()) {
            throw new IllegalArgumentException(
                    "the tflite engine runs on the CPU only; " + target + " needs the opencv engine (or auto)");
        }
        return kind;
    }
}

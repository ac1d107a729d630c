package io.palmreader.vision;

import java.util.Locale;

/** Which of MediaPipe's two model sizes to run: lite (complexity 0) or full (complexity 1). */
public enum ModelVariant {
    LITE,
    FULL;

    /** Parses {@code lite} or {@code full}, case-insensitively. */
    public static ModelVariant parse(String name) {
        for (ModelVariant v : values()) {
            if (v.name().equalsIgnoreCase(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException("model must be lite or full, was '" + name + "'");
    }

    public String palmDetectorFile() {
        return "palm_detection_" + id() + ".tflite";
    }

    public String landmarkFile() {
        return "hand_landmark_" + id() + ".tflite";
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.palmreader.cli;

import picocli.CommandLine.Option;

/** {@code --model} and {@code --engine}, as the commands that run the pipeline on files take them. */
final class ModelChoice {

    @Option(
            names = "--model",
            paramLabel = "lite|full",
            defaultValue = "full",
            description = "model size (default ${DEFAULT-VALUE})")
    String model;

    @Option(
            names = "--engine",
            paramLabel = "E",
            defaultValue = "auto",
            description = "tflite (TensorFlow Lite with XNNPACK), opencv (OpenCV DNN) or auto (tflite); "
                    + "default ${DEFAULT-VALUE}")
    String engine;
}

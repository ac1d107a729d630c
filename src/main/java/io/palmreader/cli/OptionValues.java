package io.palmreader.cli;

import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.EngineOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks on option values that their types do not express; each failure is a usage error (exit 2). */
final class OptionValues {

    private OptionValues() {}

    /** A usage error of {@code spec}'s command: {@code message} says what to change. */
    static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** {@code value} when {@code min <= value <= max}. */
    static int within(CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw usage(spec, option + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /** The engine {@code --engine} ({@code auto}, {@code tflite}, {@code opencv}) chooses on {@code target}. */
    static EngineOptions engine(CommandSpec spec, String choice, ComputeTarget target, int threads) {
        try {
            return EngineOptions.choose(choice, target, threads);
        } catch (IllegalArgumentException e) {
            throw usage(spec, "--" + e.getMessage());
        }
    }
}

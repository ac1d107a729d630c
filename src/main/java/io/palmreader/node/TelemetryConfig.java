package io.palmreader.node;

import io.palmreader.config.Settings;
import io.palmreader.observability.Tracing;

/**
 * How a node reports on itself beyond metrics: traces and the log format; keys under {@code tracing.} and
 * {@code logging.} (README, Configuration).
 *
 * @param tracingEnabled {@code tracing.enabled}
 * @param endpoint       {@code tracing.endpoint}, or empty
 * @param sampleRatio    {@code tracing.sampleRatio}
 * @param logFormat      {@code logging.format}: {@code text} or {@code json}
 */
public record TelemetryConfig(boolean tracingEnabled, String endpoint, double sampleRatio, String logFormat) {

    public static TelemetryConfig from(Settings s) {
        return new TelemetryConfig(
                s.bool("tracing.enabled", false),
                s.string("tracing.endpoint", "").trim(),
                s.decimal("tracing.sampleRatio", 1.0, 0, 1),
                s.oneOf("logging.format", "text", "text", "json"));
    }

    /** The tracing settings for node {@code nodeId}. */
    public Tracing.Settings tracing(String nodeId) {
        return new Tracing.Settings(tracingEnabled, endpoint, sampleRatio, nodeId);
    }
}

package io.palmreader.observability;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A node's OpenTelemetry: on when {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT},
 * or their {@code otel.*} system properties) names a receiver, or {@code tracing.enabled}; configured by the standard
 * {@code OTEL_*} variables through the SDK's autoconfiguration, with this node's defaults beneath them: traces only,
 * OTLP over HTTP, service {@code palmreader}, the node id as {@code service.instance.id}, every trace sampled unless
 * {@code tracing.sampleRatio} or {@code OTEL_TRACES_SAMPLER} says otherwise (a remote parent's decision is kept).
 * Spans carry no frame bytes, question text or token: see where they are made.
 */
public final class Tracing {

    /** Each Vert.x instance's tracing, for the spans the project makes itself (Vert.x makes its own). */
    private static final Map<Vertx, OpenTelemetrySdk> BY_VERTX = new ConcurrentHashMap<>();

    private static final String SCOPE = "io.palmreader";

    /**
     * @param enabled     {@code tracing.enabled}: on even without an endpoint variable (the SDK's default then)
     * @param endpoint    {@code tracing.endpoint}: the OTLP receiver, over the variables; empty for theirs
     * @param sampleRatio {@code tracing.sampleRatio}: share of new traces kept, unless {@code OTEL_TRACES_SAMPLER} is set
     * @param nodeId      this node's id
     */
    public record Settings(boolean enabled, String endpoint, double sampleRatio, String nodeId) {

        /** Whether tracing is on, given the process's environment and system properties. */
        public boolean on(Function<String, String> environment, Function<String, String> properties) {
            return enabled
                    || !endpoint.isBlank()
                    || present(environment.apply("OTEL_EXPORTER_OTLP_ENDPOINT"))
                    || present(environment.apply("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
                    || present(properties.apply("otel.exporter.otlp.endpoint"))
                    || present(properties.apply("otel.exporter.otlp.traces.endpoint"));
        }

        private static boolean present(String value) {
            return value != null && !value.isBlank();
        }

        /** The defaults beneath the {@code OTEL_*} variables. */
        Map<String, String> defaults() {
            Map<String, String> d = new HashMap<>();
            d.put("otel.service.name", "palmreader");
            d.put("otel.resource.attributes", "service.instance.id=" + nodeId);
            d.put("otel.traces.exporter", "otlp");
            d.put("otel.metrics.exporter", "none");
            d.put("otel.logs.exporter", "none");
            d.put("otel.exporter.otlp.protocol", "http/protobuf");
            d.put("otel.traces.sampler", "parentbased_traceidratio");
            d.put("otel.traces.sampler.arg", Double.toString(sampleRatio));
            return d;
        }

        /** What the node's own keys set over the variables. */
        Map<String, String> overrides() {
            return endpoint.isBlank() ? Map.of() : Map.of("otel.exporter.otlp.endpoint", endpoint);
        }
    }

    private Tracing() {}

    /** The SDK for these settings, or null when tracing is off. */
    public static OpenTelemetrySdk create(Settings settings) {
        if (!settings.on(System::getenv, System::getProperty)) {
            return null;
        }
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(settings::defaults)
                .addPropertiesCustomizer(config -> settings.overrides())
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
    }

    /** Ties {@code sdk} to {@code vertx}: the project's own spans on that instance go to it. */
    public static void attach(Vertx vertx, OpenTelemetrySdk sdk) {
        BY_VERTX.put(vertx, sdk);
    }

    /** The tracer for the project's own spans on {@code vertx}: a no-op one when tracing is off. */
    public static Tracer tracer(Vertx vertx) {
        OpenTelemetry otel = BY_VERTX.get(vertx);
        return (otel != null ? otel : OpenTelemetry.noop()).getTracer(SCOPE);
    }

    /**
     * Makes {@code span} current for what is sent on this context, and undoes that on close; nothing at all for a span
     * that is not recorded (tracing off): the frame path pays nothing then.
     */
    public static Scope current(Span span) {
        return span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop();
    }

    /** Sends what is left of {@code vertx}'s spans and stops its exporter; at most {@code timeoutMs}. */
    public static Future<Void> shutdown(Vertx vertx, long timeoutMs) {
        OpenTelemetrySdk sdk = BY_VERTX.remove(vertx);
        if (sdk == null) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        // The SDK's shutdown waits on its exporter: on a thread of its own, never an event loop.
        Thread flush = new Thread(
                () -> {
                    sdk.shutdown().join(timeoutMs, TimeUnit.MILLISECONDS);
                    done.complete();
                },
                "tracing-shutdown");
        flush.setDaemon(true);
        flush.start();
        return done.future();
    }
}

package io.palmreader.observability;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A test OTLP/HTTP trace receiver: {@code POST /v1/traces} with an {@code ExportTraceServiceRequest} in protobuf, as
 * OpenTelemetry's exporters send it (gzip or not). Keeps every span it is sent.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One received span, with the {@code service.instance.id} of the process that sent it. */
    public record ReceivedSpan(
            String node, String name, String traceId, String spanId, String parentId, Map<String, String> attributes) {}

    private final List<ReceivedSpan> spans = new ArrayList<>();
    private final HttpServer server;

    public OtlpReceiver(Vertx vertx, int port) throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setDecompressionSupported(true))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    if (!request.path().equals("/v1/traces")) {
                        request.response().setStatusCode(404).end();
                        return;
                    }
                    try {
                        keep(ExportTraceServiceRequest.parseFrom(body.getBytes()));
                        request.response()
                                .putHeader("content-type", "application/x-protobuf")
                                .end();
                    } catch (Exception e) {
                        request.response().setStatusCode(400).end(String.valueOf(e.getMessage()));
                    }
                }))
                .listen(port, "127.0.0.1")
                .await(30, TimeUnit.SECONDS);
    }

    /** {@code http://127.0.0.1:PORT}, what {@code OTEL_EXPORTER_OTLP_ENDPOINT} names. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public synchronized List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    private synchronized void keep(ExportTraceServiceRequest request) {
        for (ResourceSpans rs : request.getResourceSpansList()) {
            String node = attributes(rs.getResource()).getOrDefault("service.instance.id", "?");
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (var span : ss.getSpansList()) {
                    Map<String, String> attributes = new TreeMap<>();
                    for (KeyValue kv : span.getAttributesList()) {
                        attributes.put(kv.getKey(), text(kv.getValue()));
                    }
                    spans.add(new ReceivedSpan(
                            node,
                            span.getName(),
                            HexFormat.of().formatHex(span.getTraceId().toByteArray()),
                            HexFormat.of().formatHex(span.getSpanId().toByteArray()),
                            HexFormat.of().formatHex(span.getParentSpanId().toByteArray()),
                            attributes));
                }
            }
        }
    }

    private static Map<String, String> attributes(Resource resource) {
        Map<String, String> attributes = new TreeMap<>();
        for (KeyValue kv : resource.getAttributesList()) {
            attributes.put(kv.getKey(), text(kv.getValue()));
        }
        return attributes;
    }

    private static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> v.toString();
        };
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }
}

package io.palmreader.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.observability.OtlpReceiver.ReceivedSpan;
import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.palmreader.testing.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Traces across two node processes: an edge node here (tracing by {@code tracing.endpoint}) and an inference node in
 * its own JVM (tracing by {@code OTEL_EXPORTER_OTLP_ENDPOINT}), both exporting to a test OTLP/HTTP receiver.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@DisplayName("Tracing: a frame's trace runs from the edge to a worker on another node, a question's to the LLM call")
class TracingTest {

    private static final byte[] PHOTO = GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg");
    private static final String QUESTION = "What is in front of the camera right now?";

    private static final int OTLP_PORT = freePort();
    private static OtlpReceiver receiver;

    @RegisterExtension
    static final NodeExtension edge = NodeExtension.node(new JsonObject()
                    .put("node", new JsonObject().put("id", "edge"))
                    .put("tracing", new JsonObject().put("endpoint", "http://127.0.0.1:" + OTLP_PORT)))
            .role("edge")
            .withOllama()
            .withTokens()
            .inCluster("gpu-a");

    private static int freePort() {
        try {
            return NodeExtension.freePort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopReceiver() throws Exception {
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    @DisplayName(
            "one trace id links the gateway's frame span and the worker's stages on the other node; the question's "
                    + "trace reaches the assistant and the LLM call; no attribute holds the question or the token")
    void acrossNodes() throws Exception {
        Vertx clients = edge.clients();
        receiver = new OtlpReceiver(clients, OTLP_PORT);
        NodeProcess gpu = edge.startMember(
                "gpu-a",
                "gpu",
                new JsonObject().put("inference", new JsonObject().put("model", "lite")),
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "OTEL_BSP_SCHEDULE_DELAY", "200"));
        gpu.awaitReady();
        var http = clients.createHttpClient();
        Eventually.await(
                clients,
                90_000,
                "the edge node to see the inference node",
                () -> http.request(HttpMethod.GET, edge.port(), "127.0.0.1", "/api/health/ready")
                                .compose(r -> r.send())
                                .map(r -> r.statusCode())
                                .await(10, TimeUnit.SECONDS)
                        == 200);
        String token = edge.tokens().token("tracy");
        try (SessionClient s = SessionClient.connect(
                clients,
                new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(edge.port())
                        .setURI("/ws")
                        .setAllowOriginHeader(false)
                        .setSubProtocols(List.of("palmreader", "bearer." + token)))) {
            s.next("welcome", 10_000);
            s.sendFrame(1, PHOTO);
            assertFalse(s.next("hands", 60_000).getJsonArray("hands").isEmpty());
            s.sendText(new JsonObject().put("type", "ask").put("text", QUESTION).encode());
            JsonObject ai = s.next("ai", 30_000);
            while (!ai.getBoolean("done", false)) {
                ai = s.next("ai", 30_000);
            }
        }

        String[] frameTrace = {null};
        Eventually.await(clients, 60_000, "the frame's spans from both nodes", () -> {
            Optional<ReceivedSpan> frame = find("edge", "frame");
            frame.ifPresent(f -> frameTrace[0] = f.traceId());
            return frame.isPresent()
                    && receiver.spans().stream()
                            .anyMatch(sp -> sp.node().equals("gpu-a")
                                    && sp.name().equals("inference")
                                    && sp.traceId().equals(frame.get().traceId()));
        });
        List<ReceivedSpan> inTrace = receiver.spans().stream()
                .filter(sp -> sp.traceId().equals(frameTrace[0]))
                .toList();
        for (String stage : List.of("queue", "decode", "landmarks", "classify")) {
            assertTrue(
                    inTrace.stream()
                            .anyMatch(
                                    sp -> sp.node().equals("gpu-a") && sp.name().equals(stage)),
                    stage + " in " + inTrace);
        }

        Eventually.await(clients, 60_000, "the question's spans", () -> {
            Optional<ReceivedSpan> ask = find("edge", "ask");
            return ask.isPresent()
                    && receiver.spans().stream()
                            .anyMatch(sp -> sp.name().equals("answer")
                                    && sp.traceId().equals(ask.get().traceId()))
                    && receiver.spans().stream()
                            .anyMatch(sp -> sp.attributes().values().stream().anyMatch(v -> v.contains("/api/chat"))
                                    && sp.traceId().equals(ask.get().traceId()));
        });
        for (ReceivedSpan sp : receiver.spans()) {
            for (String value : sp.attributes().values()) {
                assertFalse(value.contains(QUESTION), sp.toString());
                assertFalse(value.contains(token), sp.toString());
            }
        }
        assertEquals(
                Optional.empty(),
                receiver.spans().stream()
                        .filter(sp -> sp.attributes().values().stream().anyMatch(v -> v.length() > 2048))
                        .findFirst(),
                "no attribute carries bytes");
    }

    private static Optional<ReceivedSpan> find(String node, String name) {
        return receiver.spans().stream()
                .filter(sp -> sp.node().equals(node) && sp.name().equals(name))
                .findFirst();
    }
}

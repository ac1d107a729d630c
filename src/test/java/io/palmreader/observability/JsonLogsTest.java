package io.palmreader.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.NodeExtension;
import io.palmreader.testing.NodeProcess;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName("Structured logs: with logging.format=json every line a node prints is a JSON object")
class JsonLogsTest {

    @RegisterExtension
    final NodeExtension nodes = NodeExtension.processes();

    @Test
    @DisplayName("a node in its own JVM, a session and a stop: every line JSON, with time, level, logger, message, the "
            + "node, and the native library's own line among them")
    void everyLineIsJson() throws Exception {
        NodeProcess node = nodes.startProcess(
                        "json-logs",
                        List.of("-Xmx1g"),
                        new JsonObject().put("logging", new JsonObject().put("format", "json")))
                .awaitReady();
        try (SessionClient s = SessionClient.connect(nodes.clients(), node.httpPort())) {
            s.next("welcome", 10_000);
            s.sendFrame(1, GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg"));
            s.next("hands", 60_000);
        }
        node.terminate();
        assertTrue(node.awaitExit(60_000), "the node stopped");
        List<String> lines = Files.readAllLines(node.log()).stream()
                .filter(l -> !l.isBlank())
                .toList();
        assertTrue(lines.size() > 5, "lines: " + lines);
        boolean nativeLine = false;
        for (String line : lines) {
            JsonObject json;
            try {
                json = new JsonObject(line);
            } catch (DecodeException e) {
                throw new AssertionError("not a JSON object: " + line);
            }
            for (String field : List.of("timestamp", "level", "loggerName", "formattedMessage")) {
                assertTrue(json.containsKey(field), field + " in " + line);
            }
            assertEquals(
                    "json-logs",
                    json.getJsonObject("context").getJsonObject("properties").getString("node"),
                    line);
            nativeLine |= "native".equals(json.getString("loggerName"))
                    && json.getString("formattedMessage").contains("XNNPACK");
        }
        assertTrue(nativeLine, "TensorFlow Lite's own line came through as JSON");
        assertTrue(lines.stream().anyMatch(l -> l.contains("running role")), "the ready line too");
    }

    @Test
    @DisplayName("a line logged inside a span carries its trace and span ids, one handling a session's message the "
            + "session; neither stays behind")
    void traceAndSessionInTheMdc() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.addTurboFilter(new TraceIdsInLogs());
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(context);
        seen.start();
        ch.qos.logback.classic.Logger logger = context.getLogger("json-logs-test");
        logger.addAppender(seen);
        Logger log = LoggerFactory.getLogger("json-logs-test");
        try (SdkTracerProvider provider = SdkTracerProvider.builder().build()) {
            Span span = provider.get("test").spanBuilder("work").startSpan();
            try (Scope current = span.makeCurrent()) {
                SessionInLogs.run("s-1", () -> log.info("inside"));
            } finally {
                span.end();
            }
            log.info("outside");
            ILoggingEvent inside = seen.list.get(0);
            assertEquals(
                    span.getSpanContext().getTraceId(),
                    inside.getMDCPropertyMap().get("traceId"));
            assertEquals(
                    span.getSpanContext().getSpanId(),
                    inside.getMDCPropertyMap().get("spanId"));
            assertEquals("s-1", inside.getMDCPropertyMap().get("session"));
            ILoggingEvent outside = seen.list.get(1);
            assertFalse(outside.getMDCPropertyMap().containsKey("traceId"));
            assertFalse(outside.getMDCPropertyMap().containsKey("session"));
        } finally {
            logger.detachAppender(seen);
            context.getTurboFilterList().removeIf(f -> f instanceof TraceIdsInLogs);
        }
    }
}

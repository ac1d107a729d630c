package io.palmreader.eventlog;

import io.palmreader.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.kafka.client.common.KafkaClientOptions;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the node's records to Kafka (idempotent, acks=all, compressed), never on the hot path: records wait in a
 * bounded buffer ({@link EventBuffer}), the oldest dropped and counted when it is full, and are sent as Kafka accepts
 * them. While Kafka is
 * down or slow the buffer holds what it can and delivery resumes when Kafka returns. Off when
 * {@code kafka.bootstrap} is unset.
 */
public final class EventLogVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(EventLogVerticle.class);
    /** Status of the event log, request/reply: {@code enabled, connected, buffered, sent, dropped, lastError}. */
    private static final String STATUS = EventLog.STATUS;

    private static final long RETRY_MS = 1000;

    private KafkaProducer<String, String> producer;
    private EventBuffer buffer;
    private boolean paused;
    private String lastError;
    private EventLogMetrics metrics;

    @Override
    public Future<?> start() {
        EventLogConfig eventLog = EventLogConfig.from(new Settings(config()));
        String bootstrap = eventLog.bootstrap();
        buffer = new EventBuffer(eventLog.bufferRecords(), eventLog.bufferBytes());
        if (!eventLog.enabled()) {
            LOG.info("event log off (kafka.bootstrap is unset)");
            return vertx.eventBus()
                    .consumer(STATUS, m -> m.reply(status(false)))
                    .completion();
        }
        metrics = new EventLogMetrics(buffer::buffered);
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        config.put("compression.type", "gzip");
        config.put("linger.ms", "5");
        // Bounded waits: a dead broker fails a send within seconds and the record goes back to the buffer.
        config.put("max.block.ms", "1000");
        config.put("request.timeout.ms", "2000");
        config.put("delivery.timeout.ms", "4000");
        config.put("reconnect.backoff.max.ms", "1000");
        // The event log is no part of a frame's or an answer's trace, and a record's span would carry its key.
        producer = KafkaProducer.create(
                vertx,
                new org.apache.kafka.clients.producer.KafkaProducer<String, String>(new HashMap<>(config)),
                new KafkaClientOptions().setTracingPolicy(TracingPolicy.IGNORE));
        producer.exceptionHandler(e -> LOG.debug("event log: producer: {}", e.getMessage()));
        LOG.info(
                "event log to Kafka at {}, buffer of {} records or {} bytes",
                bootstrap,
                eventLog.bufferRecords(),
                eventLog.bufferBytes());
        return Future.all(
                vertx.eventBus()
                        .<JsonObject>consumer(EventLog.ADDRESS, this::onRecord)
                        .completion(),
                vertx.eventBus().consumer(STATUS, m -> m.reply(status(true))).completion());
    }

    private JsonObject status(boolean enabled) {
        return new JsonObject()
                .put("enabled", enabled)
                .put("connected", buffer.connected())
                .put("buffered", buffer.buffered())
                .put("sent", buffer.sentCount())
                .put("dropped", buffer.droppedCount())
                .put("lastError", lastError);
    }

    private void onRecord(Message<JsonObject> message) {
        metrics.dropped(buffer.add(message.body()));
        pump();
    }

    private void pump() {
        JsonObject next;
        while (!paused && (next = buffer.next()) != null) {
            JsonObject record = next;
            producer.send(KafkaProducerRecord.create(
                            record.getString("topic"),
                            record.getString("key"),
                            record.getJsonObject("value").encode()))
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            metrics.sent();
                            if (buffer.sent()) {
                                LOG.info("event log: Kafka accepts records again ({} buffered)", buffer.buffered());
                            }
                        } else {
                            onFailure(record, ar.cause());
                        }
                        pump();
                    });
        }
    }

    private void onFailure(JsonObject record, Throwable cause) {
        metrics.failed();
        lastError = cause.getMessage();
        if (buffer.connected()) {
            LOG.warn(
                    "event log: Kafka refused a record ({}); buffering up to {} records",
                    cause.getMessage(),
                    buffer.capacity());
        }
        metrics.dropped(buffer.refused(record));
        if (!paused) {
            paused = true;
            vertx.setTimer(RETRY_MS, t -> {
                paused = false;
                pump();
            });
        }
    }

    @Override
    public Future<?> stop() {
        return producer == null ? Future.succeededFuture() : producer.close();
    }
}

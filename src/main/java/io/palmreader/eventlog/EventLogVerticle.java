package io.palmreader.eventlog;

import io.palmreader.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the node's records to Kafka (idempotent, acks=all, compressed), never on the hot path: records wait in a
 * bounded buffer, the oldest dropped and counted when it is full, and are sent as Kafka accepts them. While Kafka is
 * down or slow the buffer holds what it can and delivery resumes when Kafka returns. Off when
 * {@code kafka.bootstrap} is unset.
 */
public final class EventLogVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EventLogVerticle.class);
  /** Status of the event log, request/reply: {@code enabled, connected, buffered, sent, dropped, lastError}. */
  private static final String STATUS = EventLog.STATUS;
  private static final long RETRY_MS = 1000;
  private static final int MAX_IN_FLIGHT = 256;

  private KafkaProducer<String, String> producer;
  private final Deque<JsonObject> buffer = new ArrayDeque<>();
  private int capacity;
  private long maxBytes;
  /** The encoded size of the records in {@link #buffer}. */
  private long bufferedBytes;
  private int inFlight;
  /** Newer records let in over capacity while older ones were with the producer: that many older ones go if they fail. */
  private int owedEvictions;
  private boolean paused;
  private boolean connected;
  private String lastError;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private EventLogMetrics metrics;

  @Override
  public Future<?> start() {
    EventLogConfig eventLog = EventLogConfig.from(new Settings(config()));
    String bootstrap = eventLog.bootstrap();
    capacity = eventLog.bufferRecords();
    maxBytes = eventLog.bufferBytes();
    if (!eventLog.enabled()) {
      LOG.info("event log off (kafka.bootstrap is unset)");
      return vertx.eventBus().consumer(STATUS, m -> m.reply(status(false))).completion();
    }
    metrics = new EventLogMetrics(buffer::size);
    Map<String, String> config = new HashMap<>();
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
    producer = KafkaProducer.create(vertx, config);
    producer.exceptionHandler(e -> LOG.debug("event log: producer: {}", e.getMessage()));
    LOG.info("event log to Kafka at {}, buffer of {} records or {} bytes", bootstrap, capacity, maxBytes);
    return Future.all(vertx.eventBus().<JsonObject>consumer(EventLog.ADDRESS, this::onRecord).completion(),
        vertx.eventBus().consumer(STATUS, m -> m.reply(status(true))).completion());
  }

  private JsonObject status(boolean enabled) {
    return new JsonObject().put("enabled", enabled).put("connected", connected).put("buffered", buffer.size())
        .put("sent", sent.get()).put("dropped", dropped.get()).put("lastError", lastError);
  }

  private void onRecord(Message<JsonObject> message) {
    // Records handed to the producer count too: the buffer bounds everything not yet in Kafka.
    if (buffer.size() + inFlight - owedEvictions >= capacity) {
      if (buffer.isEmpty()) {
        // Everything older is with the producer: if one of those fails it is the one dropped, not this newer one.
        owedEvictions++;
      } else {
        bufferedBytes -= size(buffer.removeFirst());
        dropped.incrementAndGet();
        metrics.dropped();
      }
    }
    JsonObject record = message.body();
    long bytes = size(record);
    // Bounded in bytes too: a flood of long answers must not outgrow the heap while Kafka is away.
    while (!buffer.isEmpty() && bufferedBytes + bytes > maxBytes) {
      bufferedBytes -= size(buffer.removeFirst());
      dropped.incrementAndGet();
      metrics.dropped();
    }
    if (bytes > maxBytes) {
      dropped.incrementAndGet();
      metrics.dropped();
      return;
    }
    buffer.addLast(record);
    bufferedBytes += bytes;
    pump();
  }

  private static long size(JsonObject record) {
    return record.getJsonObject("value").encode().length() + 64L;
  }

  private void pump() {
    // While Kafka is away one record at a time probes for its return; the rest wait here, where they are counted.
    int limit = connected ? MAX_IN_FLIGHT : 1;
    while (!paused && inFlight < limit && !buffer.isEmpty()) {
      JsonObject record = buffer.removeFirst();
      bufferedBytes -= size(record);
      inFlight++;
      producer.send(KafkaProducerRecord.create(record.getString("topic"), record.getString("key"),
              record.getJsonObject("value").encode()))
          .onComplete(ar -> {
            inFlight--;
            if (ar.succeeded()) {
              if (owedEvictions > 0) {
                owedEvictions--;
              }
              sent.incrementAndGet();
              metrics.sent();
              if (!connected) {
                LOG.info("event log: Kafka accepts records again ({} buffered)", buffer.size());
              }
              connected = true;
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
    if (connected) {
      LOG.warn("event log: Kafka refused a record ({}); buffering up to {} records", cause.getMessage(), capacity);
    }
    connected = false;
    // Back to the front, in order, unless newer records already fill the buffer.
    if (owedEvictions == 0 && buffer.size() + inFlight < capacity && bufferedBytes + size(record) <= maxBytes) {
      buffer.addFirst(record);
      bufferedBytes += size(record);
    } else {
      owedEvictions = Math.max(0, owedEvictions - 1);
      dropped.incrementAndGet();
      metrics.dropped();
    }
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

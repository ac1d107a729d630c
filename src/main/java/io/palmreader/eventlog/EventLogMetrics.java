package io.palmreader.eventlog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.palmreader.observability.PalmreaderMetrics;
import java.util.function.Supplier;

/** The event log's meters: records sent, failed (retried) and dropped, and how many wait in the buffer. */
final class EventLogMetrics {

    private final Counter sent;
    private final Counter failed;
    private final Counter dropped;

    EventLogMetrics(Supplier<Number> buffered) {
        MeterRegistry registry = PalmreaderMetrics.get().registry();
        sent = Counter.builder("palmreader.eventlog.records")
                .tag("outcome", "sent")
                .register(registry);
        failed = Counter.builder("palmreader.eventlog.records")
                .tag("outcome", "failed")
                .register(registry);
        dropped = Counter.builder("palmreader.eventlog.records")
                .tag("outcome", "dropped")
                .register(registry);
        Gauge.builder("palmreader.eventlog.buffered", buffered).register(registry);
    }

    void sent() {
        sent.increment();
    }

    void failed() {
        failed.increment();
    }

    /** {@code count} records were dropped (none is fine). */
    void dropped(int count) {
        if (count > 0) {
            dropped.increment(count);
        }
    }
}

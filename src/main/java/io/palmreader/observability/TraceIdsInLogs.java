package io.palmreader.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the current trace's {@code traceId} and {@code spanId} (OpenTelemetry's, from the Vert.x context the line is
 * logged on) into the MDC of each log line, so that a JSON line names the trace it belongs to; takes them out on a
 * line logged outside any trace. Decides nothing about the line itself.
 */
public final class TraceIdsInLogs extends TurboFilter {

    static final String TRACE_ID = "traceId";
    static final String SPAN_ID = "spanId";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            MDC.put(TRACE_ID, span.getTraceId());
            MDC.put(SPAN_ID, span.getSpanId());
        } else if (MDC.get(TRACE_ID) != null) {
            MDC.remove(TRACE_ID);
            MDC.remove(SPAN_ID);
        }
        return FilterReply.NEUTRAL;
    }
}

package io.palmreader.inference;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.MultiMap;
import java.util.concurrent.TimeUnit;

/**
 * A frame's time at a worker as spans in the frame's trace: {@code inference} (the worker, the batch size) with its
 * stages laid end to end as children ({@code queue}, {@code decode}, {@code palm} when the detector ran,
 * {@code landmarks}, {@code classify}), from the times the answer carries. The trace comes with the frame: the
 * event bus puts W3C {@code traceparent} in its headers when the sender's span was sampled; a frame without one makes
 * no spans.
 */
final class StageSpans {

    private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap carrier) {
            return carrier.names();
        }

        @Override
        public String get(MultiMap carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;
    private final String worker;

    StageSpans(Tracer tracer, String worker) {
        this.tracer = tracer;
        this.worker = worker;
    }

    /** Records {@code answer}'s stages under the trace {@code headers} carry, ending now. */
    void record(MultiMap headers, FrameAnswer answer) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
        if (!Span.fromContext(parent).getSpanContext().isSampled()) {
            return;
        }
        long end = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        long start = end - nanos(answer.queueMs() + answer.timings().totalMs());
        Span work = tracer.spanBuilder("inference")
                .setParent(parent)
                .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .setAttribute("palmreader.worker", worker)
                .setAttribute("palmreader.batch", answer.batchSize())
                .setAttribute("palmreader.hands", answer.hands().size())
                .startSpan();
        Context inWork = parent.with(work);
        long at = stage(inWork, "queue", start, answer.queueMs());
        if (!answer.failed()) {
            at = stage(inWork, "decode", at, answer.timings().decodeMs());
            if (answer.detectorRan()) {
                at = stage(inWork, "palm", at, answer.timings().palmMs());
            }
            at = stage(inWork, "landmarks", at, answer.timings().landmarksMs());
            stage(inWork, "classify", at, answer.timings().classifyMs());
        }
        work.end(end, TimeUnit.NANOSECONDS);
    }

    private long stage(Context parent, String name, long start, double ms) {
        long end = start + nanos(ms);
        tracer.spanBuilder(name)
                .setParent(parent)
                .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .startSpan()
                .end(end, TimeUnit.NANOSECONDS);
        return end;
    }

    private static long nanos(double ms) {
        return Math.max(0, Math.round(ms * 1e6));
    }
}

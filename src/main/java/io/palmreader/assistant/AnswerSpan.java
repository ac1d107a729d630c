package io.palmreader.assistant;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.palmreader.observability.Tracing;
import io.vertx.core.Vertx;
import java.util.Locale;

/**
 * An answer as a span, {@code answer} (the provider, the model and how the answer ended, never the question or the
 * answer's text), in the trace the session's request brought over the event bus; the call to the LLM server is its
 * child, as Vert.x's HTTP client reports it. Replying to the request ends the event bus's own span and clears it from
 * the request's context, so the answer's span is put back there for what the answer does next.
 */
final class AnswerSpan {

    private final Span span;
    private final Context context;

    private AnswerSpan(Span span, Context context) {
        this.span = span;
        this.context = context;
    }

    /** Starts the span under the trace of the request being handled now. */
    static AnswerSpan start(Vertx vertx, AssistantConfig config) {
        Context parent = Context.current();
        Span span = Tracing.tracer(vertx)
                .spanBuilder("answer")
                .setParent(parent)
                .setAttribute(
                        "palmreader.llm.provider", config.provider().name().toLowerCase(Locale.ROOT))
                .setAttribute("palmreader.llm.model", config.model())
                .startSpan();
        return new AnswerSpan(span, parent.with(span));
    }

    /**
     * Makes the span current on this request's own (duplicated) context, which lasts as long as the answer's work:
     * the scope stays open on purpose, as nothing else runs on that context.
     */
    void resume() {
        if (span.getSpanContext().isValid()) {
            @SuppressWarnings("unused")
            var scope = context.makeCurrent();
        }
    }

    void end(AnswerStream.End end) {
        span.setAttribute("palmreader.answer.ending", end.outcome());
        if (end.ending() == AnswerEnding.FAILED) {
            span.setStatus(StatusCode.ERROR, end.outcome());
        }
        span.end();
    }
}

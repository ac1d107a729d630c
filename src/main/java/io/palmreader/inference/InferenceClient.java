package io.palmreader.inference;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.palmreader.observability.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The way to the inference workers, wherever they run in the cluster: {@value InferenceAddresses#FRAMES}, its
 * delivery options, and its failures decoded into {@link InferenceOutcome}s. Also the one readiness probe.
 */
public final class InferenceClient {

    /** How long a readiness probe waits for a worker. */
    private static final long PROBE_TIMEOUT_MS = 1500;

    private final Vertx vertx;
    private final Tracer tracer;
    private final long answerTimeoutMs;

    /** @param answerTimeoutMs how long to wait for a frame's answer before counting it lost */
    public InferenceClient(Vertx vertx, long answerTimeoutMs) {
        this.vertx = vertx;
        this.tracer = Tracing.tracer(vertx);
        this.answerTimeoutMs = answerTimeoutMs;
    }

    /** The frame's deadline if sent now: the worker does not run it past this. */
    public long deadlineFromNow() {
        return System.currentTimeMillis() + answerTimeoutMs;
    }

    /**
     * Sends one frame to some worker; never fails: every way it can go is an outcome. With tracing on, the frame is a
     * span ({@code frame}: its sequence number, size and model, never its bytes) that the event bus carries to the
     * worker, on whatever node, whose stages are its children.
     */
    public Future<InferenceOutcome> submit(FrameTask task) {
        Span span = tracer.spanBuilder("frame")
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("palmreader.frame.sequence", task.sequence())
                .setAttribute("palmreader.frame.bytes", (long) task.image().length())
                .setAttribute("palmreader.model", task.model().id())
                .startSpan();
        Future<Message<FrameAnswer>> reply;
        try (Scope current = Tracing.current(span)) {
            reply = vertx.eventBus()
                    .request(InferenceAddresses.FRAMES, task, new DeliveryOptions().setSendTimeout(answerTimeoutMs));
        }
        return reply.map(r -> (InferenceOutcome) new InferenceOutcome.Answered(r.body()))
                .otherwise(InferenceClient::outcomeOf)
                .onSuccess(outcome -> {
                    if (!(outcome instanceof InferenceOutcome.Answered)) {
                        span.setStatus(StatusCode.ERROR, outcome.getClass().getSimpleName());
                    }
                    span.end();
                });
    }

    static InferenceOutcome outcomeOf(Throwable failure) {
        if (failure instanceof ReplyException re) {
            if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE
                    && InferenceFailure.of(re.failureCode()) == InferenceFailure.BUSY) {
                return new InferenceOutcome.Busy();
            }
            if (re.failureType() == ReplyFailure.NO_HANDLERS) {
                return new InferenceOutcome.NoCapacity(true);
            }
            if (re.failureType() == ReplyFailure.TIMEOUT) {
                return new InferenceOutcome.NoCapacity(false);
            }
        }
        return new InferenceOutcome.Failed(String.valueOf(failure.getMessage()));
    }

    /**
     * Whether some worker answers, and which: on this node only when {@code localOnly}, else anywhere in the cluster.
     * Probes go round-robin, so one may land on a worker whose node just died: a second try asks another.
     */
    public static Future<String> probe(Vertx vertx, boolean localOnly) {
        DeliveryOptions probe = new DeliveryOptions()
                .addHeader(InferenceAddresses.PROBE_HEADER, "1")
                .setSendTimeout(PROBE_TIMEOUT_MS)
                .setLocalOnly(localOnly);
        return vertx.eventBus()
                .request(InferenceAddresses.FRAMES, null, probe)
                .recover(e -> vertx.eventBus().request(InferenceAddresses.FRAMES, null, probe))
                .map(reply -> String.valueOf(reply.body()));
    }
}

package io.palmreader.inference;

import io.palmreader.config.Settings;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.observability.Tracing;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.DecodedFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An inference worker. Frames from {@value InferenceAddresses#FRAMES} arrive on this verticle's event loop, where its
 * {@link WorkerMailbox} admits or refuses each the moment it comes (a worker thread busy with a batch could not see
 * what queues behind it); the networks run, one batch at a time, on the worker's own thread of a named pool (a GPU
 * worker binds its device there first, and has its frames decoded ahead by {@link DecodeAhead}). Nothing about a
 * session stays here between frames.
 */
public final class InferenceVerticle extends VerticleBase {

    /** A frame in line, with its image decoded ahead of time, or null to decode it with its batch. */
    private record Pending(Message<FrameTask> message, DecodedFrame decoded) {}

    private InferenceConfig config;
    private WorkerConfig placement;
    private WorkerMailbox<Pending> mailbox;
    private WorkerReplies replies;
    private FrameProcessor processor;
    private WorkerExecutor executor;
    private DecodeAhead ahead;
    private Promise<Void> drained;

    @Override
    public Future<?> start() {
        config = InferenceConfig.from(new Settings(config()));
        placement = WorkerConfig.from(config()).numbered(vertx.sharedData().getLocalMap(WorkerConfig.NAMES));
        ComputeTarget target = placement.target();
        mailbox = WorkerMailbox.of(config, target);
        replies =
                new WorkerReplies(PalmreaderMetrics.get(), placement.workerId(), !config.echo(), Tracing.tracer(vertx));
        executor = vertx.createSharedWorkerExecutor(
                placement.workerPool(),
                placement.workerPoolSize(),
                placement.maxExecuteTimeMs(),
                TimeUnit.MILLISECONDS);
        ahead = DecodeAhead.forWorker(vertx, config, target);
        return executor.executeBlocking(() -> FrameProcessor.create(config, placement.workerId(), target), true)
                .compose(created -> {
                    processor = created;
                    return executor.executeBlocking(() -> created.warmUp(config.degrade()), true);
                })
                .compose(costs -> {
                    mailbox.warmedUp(costs);
                    replies.sampleDeviceMemory(vertx, executor, target);
                    return vertx.eventBus()
                            .consumer(InferenceAddresses.FRAMES, this::onFrame)
                            .completion()
                            .onSuccess(
                                    v -> replies.started(processor, String.valueOf(target), config.describe(target)));
                });
    }

    private void onFrame(Message<FrameTask> message) {
        if (message.headers().contains(InferenceAddresses.PROBE_HEADER)) {
            message.reply(placement.workerId());
            return;
        }
        FrameTask task = message.body();
        Optional<WorkerMailbox.Ticket> ticket = mailbox.admit(task.rung(), task.model(), task.fixedQuality());
        if (ticket.isEmpty()) {
            replies.refuse(message, null, ShedReason.QUEUE_FULL);
        } else if (ahead == null) {
            enqueue(ticket.get(), new Pending(message, null));
        } else {
            ahead.decode(task.image()).onSuccess(decoded -> enqueue(ticket.get(), new Pending(message, decoded)));
        }
    }

    private void enqueue(WorkerMailbox.Ticket ticket, Pending pending) {
        mailbox.enqueue(ticket, pending, pending.message().body().expiresAtMs());
        schedule();
    }

    private void schedule() {
        switch (mailbox.next()) {
            case TAKE_NOW -> runBatch();
            case TAKE_AFTER_DELAY -> vertx.setTimer(config.maxBatchDelayMs(), id -> runBatch());
            case DRAINED -> drained.tryComplete();
            case WAIT -> {}
        }
    }

    private void runBatch() {
        WorkerMailbox.Batch<Pending> batch = mailbox.take();
        batch.shed().forEach(s -> replies.refuse(s.frame().message(), s.frame().decoded(), s.reason()));
        if (batch.frames().isEmpty()) {
            schedule();
            return;
        }
        List<FrameTask> tasks =
                batch.frames().stream().map(p -> p.message().body()).toList();
        List<DecodedFrame> decoded =
                batch.frames().stream().map(Pending::decoded).toList();
        executor.executeBlocking(() -> processor.process(tasks, decoded, batch.rungs(), batch.startedMs()), true)
                .onComplete(ar -> finishBatch(batch.frames(), ar.succeeded() ? ar.result() : null, ar.cause()));
    }

    private void finishBatch(List<Pending> batch, List<FrameAnswer> answers, Throwable failure) {
        double batchMs = mailbox.finish(answers != null);
        List<Message<FrameTask>> messages = batch.stream().map(Pending::message).toList();
        if (answers != null) {
            replies.answer(messages, answers, batchMs);
        } else {
            replies.fail(messages, failure);
        }
        schedule();
    }

    @Override
    public Future<?> stop() {
        // Frames already taken are answered before the networks go, including those still being decoded: a stopping
        // node finishes what it accepted, and refuses what comes after.
        drained = Promise.promise();
        mailbox.drain();
        schedule();
        return drained.future()
                .compose(v -> {
                    replies.stopped();
                    FrameProcessor p = processor;
                    return p == null
                            ? Future.succeededFuture()
                            : executor.executeBlocking(Executors.callable(p::close), true);
                })
                .eventually(() -> ahead != null ? ahead.close() : Future.succeededFuture())
                .andThen(v -> vertx.sharedData().getLocalMap(WorkerConfig.NAMES).remove(placement.workerId()))
                .eventually(executor::close);
    }
}

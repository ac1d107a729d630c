package io.palmreader.inference;

import io.opentelemetry.api.trace.Tracer;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.CudaDevices;
import io.palmreader.vision.DecodedFrame;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one inference worker answers, refuses and fails frames on {@value InferenceAddresses#FRAMES} (with the codes of
 * {@link InferenceFailure}), each counted once; also its device's memory.
 */
final class WorkerReplies {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerReplies.class);
    private static final long DEVICE_SAMPLE_MS = 5_000;

    private final PalmreaderMetrics metrics;
    private final String worker;
    /** Whether answers carry the pipeline's stage times (not in echo mode). */
    private final boolean stages;

    private final StageSpans spans;

    WorkerReplies(PalmreaderMetrics metrics, String worker, boolean stages, Tracer tracer) {
        this.metrics = metrics;
        this.worker = worker;
        this.stages = stages;
        this.spans = new StageSpans(tracer, worker);
    }

    /** The worker takes frames from now on: counted, and said in the log with what it runs and any shortfall. */
    void started(FrameProcessor processor, String where, String settings) {
        metrics.inferenceWorkers().incrementAndGet();
        if (processor.shortfall() != null) {
            LOG.warn("inference worker {}: {}", worker, processor.shortfall());
        }
        LOG.info("inference worker {} ready on {}: {}; {}", worker, where, processor.description(), settings);
    }

    void stopped() {
        metrics.inferenceWorkers().decrementAndGet();
    }

    /** Refuses a frame without running it, releasing what was decoded of it ahead ({@code decoded} may be null). */
    void refuse(Message<FrameTask> message, DecodedFrame decoded, ShedReason reason) {
        metrics.frameShed(worker, reason);
        if (decoded != null) {
            decoded.discard();
        }
        message.fail(
                InferenceFailure.BUSY.code(),
                reason == ShedReason.QUEUE_FULL
                        ? "inference worker " + worker + " is busy"
                        : "frame could not be answered within inference.maxQueueMs (" + reason.tag() + ")");
    }

    /** Replies to each frame of a batch with its answer, in order. */
    void answer(List<Message<FrameTask>> batch, List<FrameAnswer> answers, double batchMs) {
        metrics.batch(worker, batch.size());
        metrics.batchCompute(worker, batchMs);
        for (int i = 0; i < batch.size(); i++) {
            record(answers.get(i));
            spans.record(batch.get(i).headers(), answers.get(i));
            batch.get(i).reply(answers.get(i));
        }
    }

    /** Fails every frame of a batch the networks failed on: only this batch fails, the worker carries on. */
    void fail(List<Message<FrameTask>> batch, Throwable failure) {
        LOG.error("inference worker {}: batch of {} frames failed", worker, batch.size(), failure);
        batch.forEach(m -> m.fail(InferenceFailure.BATCH_FAILED.code(), "inference failed: " + failure.getMessage()));
    }

    private void record(FrameAnswer a) {
        metrics.frameProcessed(worker);
        if (a.rung().degraded()) {
            metrics.frameDegraded(worker, a.rung());
        }
        metrics.stage("queue", worker, a.queueMs());
        if (!a.failed() && stages) {
            metrics.stage("decode", worker, a.timings().decodeMs());
            if (a.detectorRan()) {
                metrics.stage("palm", worker, a.timings().palmMs());
            }
            metrics.stage("landmarks", worker, a.timings().landmarksMs());
            metrics.stage("classify", worker, a.timings().classifyMs());
            metrics.stage("total", worker, a.timings().totalMs());
        }
    }

    /** On a CUDA worker, records its device's memory every few seconds, on the worker's own thread. */
    void sampleDeviceMemory(Vertx vertx, WorkerExecutor executor, ComputeTarget target) {
        if (target.isCuda()) {
            vertx.setPeriodic(
                    0, DEVICE_SAMPLE_MS, id -> executor.executeBlocking(() -> sampleDevice(target.cudaDevice()), true));
        }
    }

    /**
     * Records device memory as CUDA reports it; call on the worker's own thread, where its device is bound.
     *
     * @return the device as sampled, or null when it could not be read
     */
    CudaDevices.Device sampleDevice(int cudaDevice) {
        try {
            CudaDevices.Device d = CudaDevices.describe(cudaDevice);
            metrics.deviceMemory(worker, d.index(), d.name(), d.freeBytes(), d.totalBytes());
            return d;
        } catch (RuntimeException e) {
            LOG.debug("inference worker {}: device memory not readable: {}", worker, e.getMessage());
            return null;
        }
    }
}

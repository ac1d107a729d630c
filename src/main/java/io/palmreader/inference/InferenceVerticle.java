package io.palmreader.inference;

import io.palmreader.config.Settings;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.FrameDecoder;
import io.palmreader.vision.DecodedFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An inference worker. Frames from {@value InferenceAddresses#FRAMES} arrive on this verticle's event loop, which
 * sees every waiting frame the moment it comes and refuses at once those that could not be answered within
 * {@code inference.maxQueueMs}; the networks run on the worker's own thread of a named pool, one batch at a time (up
 * to {@code maxBatch} frames, waiting at most {@code maxBatchDelayMs} for more). It owns its networks; nothing about
 * a session stays here between frames.
 *
 * <p>Admission is on the event loop because a worker thread busy with a batch cannot see what queues behind it: frames
 * would wait unseen and unrefused for as long as the batch ran, then be judged without the time they had already
 * waited, and under overload sessions got answers seconds old, or none within their answer time-out.
 *
 * <p>A GPU worker ({@code cudaDevice} ≥ 0 in its config) binds its device on its pool's one thread before loading
 * the networks, and by default has its frames decoded ahead on the node's shared {@code inference-prep} pool, so its
 * own thread only feeds the GPU.
 */
public final class InferenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceVerticle.class);
  static final String PREP_POOL = "inference-prep";
  private static final long DEVICE_SAMPLE_MS = 5_000;

  /** A frame waiting for its batch, decoded ahead of time or not, and when it reached this worker. */
  private record Pending(Message<FrameTask> message, DecodedFrame decoded, long arrivedNanos) {
  }

  private InferenceConfig config;
  private ComputeTarget target;
  private FrameProcessor processor;
  private PalmreaderMetrics metrics;
  private String worker;
  private int maxBatch;
  private WorkerExecutor executor;
  private WorkerExecutor prep;
  private FrameDecoder decoder;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  /** Frames being decoded ahead on the prep pool: already admitted, not yet in {@link #waiting}. */
  private int preparing;
  private boolean batchRunning;
  private long batchStartedNanos;
  private int batchSize;
  private boolean batchScheduled;
  private Promise<Void> drained;
  /** Recent time per frame at the networks, ms (moving average), from the warm-up's estimate on. */
  private double msPerFrame;

  @Override
  public Future<?> start() {
    config = InferenceConfig.from(new Settings(config()));
    worker = config().getString("workerId", "cpu");
    int device = config().getInteger("cudaDevice", -1);
    target = device >= 0 ? ComputeTarget.cuda(device, config().getBoolean("fp16", false)) : ComputeTarget.CPU;
    maxBatch = config.maxBatchFor(target);
    metrics = PalmreaderMetrics.get();
    executor = vertx.createSharedWorkerExecutor(config().getString("workerPool", "inference-cpu"),
        config().getInteger("workerPoolSize", 1), config().getLong("maxExecuteTimeMs", 120_000L), TimeUnit.MILLISECONDS);
    if (!config.echo()) {
      int prepThreads = config.prepThreadsFor(target);
      if (prepThreads > 0) {
        prep = vertx.createSharedWorkerExecutor(PREP_POOL, prepThreads);
        decoder = new FrameDecoder(config.pipeline().maxPixels());
      }
    }
    // The networks are built on the thread that will run them: a CUDA device binding is per thread.
    return executor.executeBlocking(this::createProcessor, true).compose(created -> {
      processor = created;
      return executor.executeBlocking(created::warmUp, true);
    }).compose(estimateMs -> {
      msPerFrame = estimateMs;
      if (target.isCuda()) {
        vertx.setPeriodic(0, DEVICE_SAMPLE_MS, id -> executor.executeBlocking(() -> {
          sampleDevice();
          return null;
        }, true));
      }
      MessageConsumer<FrameTask> consumer = vertx.eventBus().consumer(InferenceAddresses.FRAMES, this::onFrame);
      return consumer.completion().onSuccess(v -> {
        metrics.inferenceWorkers().incrementAndGet();
        if (processor.shortfall() != null) {
          LOG.warn("inference worker {}: {}", worker, processor.shortfall());
        }
        LOG.info("inference worker {} ready on {}: {}; {} model, batches up to {} frame(s) within {} ms, frames "
                + "refused beyond {} ms at the worker{}", worker, target, processor.description(),
            config.pipeline().model().id(), maxBatch, config.maxBatchDelayMs(), config.maxQueueMs(),
            prep != null ? ", decoding on " + config.prepThreadsFor(target) + " " + PREP_POOL + " threads" : "");
      });
    });
  }

  private FrameProcessor createProcessor() {
    if (config.echo()) {
      return new EchoProcessor(worker, config.echoDelayMs());
    }
    target.bindThread();
    return new PipelineProcessor(config.pipeline(), worker, config.engineFor(target));
  }

  private void onFrame(Message<FrameTask> message) {
    if (message.headers().contains(InferenceAddresses.PROBE_HEADER)) {
      message.reply(worker);
      return;
    }
    long now = System.nanoTime();
    if (drained != null || wouldWaitTooLong(now)) {
      // Under overload the queue stays short and answers stay fresh: the gateway drops this frame and sends the next.
      metrics.frameShed(worker, "queue_full");
      message.fail(InferenceAddresses.BUSY, "inference worker " + worker + " is busy");
      return;
    }
    if (prep == null) {
      enqueue(new Pending(message, null, now));
      return;
    }
    preparing++;
    byte[] encoded = message.body().image().getBytes();
    // Unordered: frames of different sessions need not wait for each other's decoding.
    prep.executeBlocking(() -> DecodedFrame.decode(decoder, encoded), false).onComplete(ar -> {
      preparing--;
      // Should the pool refuse the work, the frame is decoded on the worker's thread instead: never lost.
      enqueue(new Pending(message, ar.succeeded() ? ar.result() : null, now));
    });
  }

  /**
   * Whether a frame arriving now would spend longer than {@code maxQueueMs} here: the rest of the batch running, the
   * frames admitted before it, and itself. A worker with nothing to do never refuses.
   */
  private boolean wouldWaitTooLong(long now) {
    int ahead = waiting.size() + preparing;
    if (ahead == 0 && !batchRunning) {
      return false;
    }
    double runningLeftMs = batchRunning
        ? Math.max(0, batchSize * msPerFrame - (now - batchStartedNanos) / 1e6) : 0;
    return runningLeftMs + (ahead + 1) * msPerFrame > config.maxQueueMs();
  }

  private void enqueue(Pending pending) {
    waiting.add(pending);
    scheduleBatch();
  }

  private void scheduleBatch() {
    if (batchRunning || batchScheduled || waiting.isEmpty()) {
      if (drained != null && !batchRunning && waiting.isEmpty() && preparing == 0) {
        drained.tryComplete();
      }
      return;
    }
    if (waiting.size() >= maxBatch || config.maxBatchDelayMs() == 0 || drained != null) {
      runBatch();
    } else {
      batchScheduled = true;
      vertx.setTimer(config.maxBatchDelayMs(), id -> {
        batchScheduled = false;
        runBatch();
      });
    }
  }

  private void runBatch() {
    long now = System.nanoTime();
    long nowMs = System.currentTimeMillis();
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (!waiting.isEmpty() && batch.size() < maxBatch) {
      Pending p = waiting.poll();
      String late = lateness(p, now, nowMs);
      if (late != null) {
        shed(p, late);
      } else {
        batch.add(p);
      }
    }
    if (batch.isEmpty()) {
      scheduleBatch();
      return;
    }
    batchRunning = true;
    batchStartedNanos = now;
    batchSize = batch.size();
    List<FrameTask> tasks = new ArrayList<>(batch.size());
    List<DecodedFrame> decoded = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      tasks.add(p.message().body());
      decoded.add(p.decoded());
    }
    executor.executeBlocking(() -> processor.process(tasks, decoded, nowMs), true)
        .onComplete(ar -> finishBatch(batch, ar.succeeded() ? ar.result() : null, ar.cause()));
  }

  /**
   * Why a frame about to join a batch is no longer worth running, or null: its gateway has stopped waiting for it
   * ({@code expired}), or it has already been here {@code maxQueueMs} ({@code late}: the work ahead of it took longer
   * than expected when it was admitted). Either way it is refused rather than answered later still.
   */
  private String lateness(Pending p, long now, long nowMs) {
    if (nowMs > p.message().body().expiresAtMs()) {
      return "expired";
    }
    if ((now - p.arrivedNanos()) / 1e6 > config.maxQueueMs()) {
      return "late";
    }
    return null;
  }

  private void shed(Pending p, String reason) {
    metrics.frameShed(worker, reason);
    if (p.decoded() != null) {
      p.decoded().discard();
    }
    p.message().fail(InferenceAddresses.BUSY, "frame could not be answered within inference.maxQueueMs (" + reason + ")");
  }

  private void finishBatch(List<Pending> batch, List<FrameAnswer> answers, Throwable failure) {
    double batchMs = (System.nanoTime() - batchStartedNanos) / 1e6;
    int n = batch.size();
    batchRunning = false;
    if (answers != null) {
      metrics.batch(worker, n);
      metrics.batchCompute(worker, batchMs);
      msPerFrame = 0.8 * msPerFrame + 0.2 * batchMs / n;
      for (int i = 0; i < n; i++) {
        FrameAnswer a = answers.get(i);
        record(a);
        batch.get(i).message().reply(a);
      }
    } else {
      // Only this batch fails; the worker carries on with the next.
      LOG.error("inference worker {}: batch of {} frames failed", worker, n, failure);
      for (Pending p : batch) {
        p.message().fail(ErrorCode.INTERNAL.ordinal(), "inference failed: " + failure.getMessage());
      }
    }
    scheduleBatch();
  }

  private void record(FrameAnswer a) {
    metrics.frameProcessed(worker);
    metrics.stage("queue", worker, a.queueMs());
    if (!a.failed() && !config.echo()) {
      metrics.stage("decode", worker, a.timings().decodeMs());
      if (a.detectorRan()) {
        metrics.stage("palm", worker, a.timings().palmMs());
      }
      metrics.stage("landmarks", worker, a.timings().landmarksMs());
      metrics.stage("classify", worker, a.timings().classifyMs());
      metrics.stage("total", worker, a.timings().totalMs());
    }
  }

  /** Device memory as CUDA reports it, asked on this worker's own thread, where its device is bound. */
  private void sampleDevice() {
    try {
      CudaDevices.Device d = CudaDevices.describe(target.cudaDevice());
      metrics.deviceMemory(worker, d.index(), d.name(), d.freeBytes(), d.totalBytes());
    } catch (RuntimeException e) {
      LOG.debug("inference worker {}: device memory not readable: {}", worker, e.getMessage());
    }
  }

  @Override
  public Future<?> stop() {
    // Frames already taken are answered before the networks go, including those still being decoded: a stopping
    // node finishes what it accepted, and refuses what comes after.
    drained = Promise.promise();
    scheduleBatch();
    return drained.future().compose(v -> {
      metrics.inferenceWorkers().decrementAndGet();
      FrameProcessor p = processor;
      return p == null ? Future.succeededFuture() : executor.executeBlocking(() -> {
        p.close();
        return null;
      }, true);
    }).eventually(() -> prep != null ? prep.close() : Future.succeededFuture())
        .eventually(executor::close);
  }
}

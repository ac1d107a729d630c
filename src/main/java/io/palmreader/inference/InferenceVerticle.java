package io.palmreader.inference;

import io.palmreader.config.Settings;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.FrameDecoder;
import io.palmreader.vision.HandPipeline.DecodedFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An inference worker: deployed as a WORKER verticle on its own named pool, it consumes {@value
 * InferenceAddresses#FRAMES}, gathers what is waiting into a batch (up to {@code maxBatch}, waiting at most
 * {@code maxBatchDelayMs} for more), runs the pipeline and replies to each frame. It owns its networks; nothing
 * about a session stays here between frames.
 *
 * <p>A GPU worker ({@code cudaDevice} ≥ 0 in its config) binds its device on its one thread before loading the
 * networks, and by default has its frames decoded ahead on the node's shared {@code inference-prep} pool, so its
 * own thread only feeds the GPU.
 */
public final class InferenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceVerticle.class);
  static final String PREP_POOL = "inference-prep";
  private static final long DEVICE_SAMPLE_MS = 5_000;

  /** A frame waiting for its batch, decoded ahead of time or not. */
  private record Pending(Message<FrameTask> message, DecodedFrame decoded) {
  }

  private InferenceConfig config;
  private ComputeTarget target;
  private InferenceEngine engine;
  private PalmreaderMetrics metrics;
  private String worker;
  private WorkerExecutor prep;
  private int prepThreads;
  private FrameDecoder decoder;
  private int preparing;
  private Promise<Void> prepared;
  private final List<Pending> waiting = new ArrayList<>();
  private boolean drainScheduled;
  /** Recent pipeline time per frame, ms (moving average): what a queued frame can expect to wait per frame ahead. */
  private double msPerFrame;
  private long batchesRun;
  private static final int WARM_UP_BATCHES = 3;

  @Override
  public Future<?> start() {
    config = InferenceConfig.from(new Settings(config()));
    worker = config().getString("workerId", "cpu");
    int device = config().getInteger("cudaDevice", -1);
    target = device >= 0 ? ComputeTarget.cuda(device, config().getBoolean("fp16", false)) : ComputeTarget.CPU;
    metrics = PalmreaderMetrics.get();
    if (config.echo()) {
      engine = new EchoEngine(worker);
    } else {
      target.bindThread();
      engine = new PipelineEngine(config.pipeline(), worker, target);
      if (target.isCuda()) {
        sampleDevice();
        vertx.setPeriodic(DEVICE_SAMPLE_MS, id -> sampleDevice());
      }
      prepThreads = config.prepThreadsFor(target);
      if (prepThreads > 0) {
        prep = vertx.createSharedWorkerExecutor(PREP_POOL, prepThreads);
        decoder = new FrameDecoder(config.pipeline().maxPixels());
      }
    }
    MessageConsumer<FrameTask> consumer = vertx.eventBus().consumer(InferenceAddresses.FRAMES, this::onFrame);
    metrics.inferenceWorkers().incrementAndGet();
    LOG.info("inference worker {} ready on {}: {}, batches up to {} frames, {} ms{}", worker, target,
        config.echo() ? "echo (no model)" : config.pipeline().model().id() + " model", config.maxBatch(),
        config.maxBatchDelayMs(), prep != null ? ", decoding on " + prepThreads + " " + PREP_POOL
            + " threads" : "");
    return consumer.completion();
  }

  private void onFrame(Message<FrameTask> message) {
    if (message.headers().contains(InferenceAddresses.PROBE_HEADER)) {
      message.reply(worker);
      return;
    }
    if (wouldWaitTooLong()) {
      // Under overload the queue stays short and answers stay fresh: the gateway drops this frame and sends the next.
      metrics.frameShed(worker, "queue_full");
      message.fail(InferenceAddresses.BUSY, "inference worker " + worker + " is busy");
      return;
    }
    if (prep == null) {
      enqueue(new Pending(message, null));
      return;
    }
    preparing++;
    byte[] encoded = message.body().image().getBytes();
    // Unordered: frames of different sessions need not wait for each other's decoding.
    prep.executeBlocking(() -> DecodedFrame.decode(decoder, encoded), false).onComplete(ar -> {
      preparing--;
      // Should the pool refuse the work, the frame is decoded here instead: never lost.
      enqueue(new Pending(message, ar.succeeded() ? ar.result() : null));
      if (preparing == 0 && prepared != null) {
        prepared.tryComplete();
      }
    });
  }

  private boolean wouldWaitTooLong() {
    // Frames run in batches, but a batch takes about as long as its frames would one by one (on a CPU exactly so,
    // on a GPU less): a new frame waits for those ahead of it and itself.
    // With nothing ahead the frame is next whatever it costs: a worker never refuses work when it has none.
    int ahead = waiting.size() + preparing;
    return ahead > 0 && (ahead + 1) * msPerFrame > config.maxQueueMs();
  }

  private void enqueue(Pending pending) {
    waiting.add(pending);
    if (waiting.size() >= config.maxBatch()) {
      runBatch();
    } else if (!drainScheduled) {
      drainScheduled = true;
      // Frames that arrived while the previous batch ran are already queued on this context: running after them
      // lets them join this batch.
      if (config.maxBatchDelayMs() == 0) {
        context.runOnContext(v -> runScheduledBatch());
      } else {
        vertx.setTimer(config.maxBatchDelayMs(), id -> runScheduledBatch());
      }
    }
  }

  private void runScheduledBatch() {
    drainScheduled = false;
    runBatch();
  }

  private void runBatch() {
    if (waiting.isEmpty()) {
      return;
    }
    long nowMs = System.currentTimeMillis();
    // Frames their gateway has stopped waiting for are not worth a forward pass.
    waiting.removeIf(p -> {
      if (nowMs - p.message().body().sentAtMs() <= config.answerTimeoutMs()) {
        return false;
      }
      metrics.frameShed(worker, "expired");
      if (p.decoded() != null) {
        p.decoded().discard();
      }
      p.message().fail(InferenceAddresses.BUSY, "frame waited past its answer time-out");
      return true;
    });
    if (waiting.isEmpty()) {
      return;
    }
    int n = Math.min(config.maxBatch(), waiting.size());
    List<Pending> batch = new ArrayList<>(waiting.subList(0, n));
    waiting.subList(0, n).clear();
    List<FrameTask> tasks = new ArrayList<>(n);
    List<DecodedFrame> decoded = new ArrayList<>(n);
    for (Pending p : batch) {
      tasks.add(p.message().body());
      decoded.add(p.decoded());
    }
    long started = System.currentTimeMillis();
    long t0 = System.nanoTime();
    try {
      List<FrameAnswer> answers = engine.process(tasks, decoded, started);
      metrics.batch(worker, n);
      double batchMs = (System.nanoTime() - t0) / 1e6;
      metrics.batchCompute(worker, batchMs);
      // The first batches build the networks and warm caches: they say nothing about the time per frame.
      if (++batchesRun > WARM_UP_BATCHES) {
        msPerFrame = msPerFrame == 0 ? batchMs / n : 0.8 * msPerFrame + 0.2 * batchMs / n;
      }
      for (int i = 0; i < n; i++) {
        FrameAnswer a = answers.get(i);
        record(a);
        batch.get(i).message().reply(a);
      }
    } catch (RuntimeException e) {
      // Only this batch fails; the worker carries on with the next.
      LOG.error("inference worker {}: batch of {} frames failed", worker, n, e);
      for (Pending p : batch) {
        p.message().fail(ErrorCode.INTERNAL.ordinal(), "inference failed: " + e.getMessage());
      }
    }
    if (!waiting.isEmpty() && !drainScheduled) {
      drainScheduled = true;
      context.runOnContext(v -> runScheduledBatch());
    }
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
    // node finishes what it accepted.
    prepared = Promise.promise();
    if (preparing == 0) {
      prepared.complete();
    }
    return prepared.future().eventually(() -> {
      while (engine != null && !waiting.isEmpty()) {
        runBatch();
      }
      metrics.inferenceWorkers().decrementAndGet();
      if (engine != null) {
        engine.close();
      }
      return prep != null ? prep.close() : Future.succeededFuture();
    });
  }
}

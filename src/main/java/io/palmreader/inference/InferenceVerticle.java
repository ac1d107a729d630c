package io.palmreader.inference;

import io.palmreader.config.Settings;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
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
 */
public final class InferenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceVerticle.class);

  private InferenceConfig config;
  private InferenceEngine engine;
  private PalmreaderMetrics metrics;
  private String worker;
  private final List<Message<FrameTask>> waiting = new ArrayList<>();
  private boolean drainScheduled;

  @Override
  public Future<?> start() {
    config = InferenceConfig.from(new Settings(config()));
    worker = config().getString("workerId", "cpu");
    metrics = PalmreaderMetrics.get();
    engine = config.echo() ? new EchoEngine(worker) : new PipelineEngine(config.pipeline(), worker);
    MessageConsumer<FrameTask> consumer = vertx.eventBus().consumer(InferenceAddresses.FRAMES, this::onFrame);
    metrics.inferenceWorkers().incrementAndGet();
    LOG.info("inference worker {} ready: {}, batches up to {} frames, {} ms", worker,
        config.echo() ? "echo (no model)" : config.pipeline().model().id() + " model", config.maxBatch(),
        config.maxBatchDelayMs());
    return consumer.completion();
  }

  private void onFrame(Message<FrameTask> message) {
    if (message.headers().contains(InferenceAddresses.PROBE_HEADER)) {
      message.reply(worker);
      return;
    }
    waiting.add(message);
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
    int n = Math.min(config.maxBatch(), waiting.size());
    List<Message<FrameTask>> batch = new ArrayList<>(waiting.subList(0, n));
    waiting.subList(0, n).clear();
    List<FrameTask> tasks = new ArrayList<>(n);
    for (Message<FrameTask> m : batch) {
      tasks.add(m.body());
    }
    long started = System.currentTimeMillis();
    try {
      List<FrameAnswer> answers = engine.process(tasks, started);
      metrics.batch(worker, n);
      for (int i = 0; i < n; i++) {
        FrameAnswer a = answers.get(i);
        record(a);
        batch.get(i).reply(a);
      }
    } catch (RuntimeException e) {
      // Only this batch fails; the worker carries on with the next.
      LOG.error("inference worker {}: batch of {} frames failed", worker, n, e);
      for (Message<FrameTask> m : batch) {
        m.fail(ErrorCode.INTERNAL.ordinal(), "inference failed: " + e.getMessage());
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

  @Override
  public Future<?> stop() {
    // Frames already taken are answered before the networks go: a stopping node finishes what it accepted.
    while (engine != null && !waiting.isEmpty()) {
      runBatch();
    }
    metrics.inferenceWorkers().decrementAndGet();
    if (engine != null) {
      engine.close();
    }
    return Future.succeededFuture();
  }
}

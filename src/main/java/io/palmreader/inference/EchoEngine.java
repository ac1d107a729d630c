package io.palmreader.inference;

import io.palmreader.vision.HandPipeline.DecodedFrame;
import io.palmreader.vision.StageTimings;
import java.util.ArrayList;
import java.util.List;

/**
 * The transport benchmark's stand-in for the model ({@code inference.mode = echo}): every frame still crosses the
 * event bus to a worker thread and back, but the worker answers at once with no hands. Never the default.
 */
final class EchoEngine implements InferenceEngine {

  private final String worker;

  EchoEngine(String worker) {
    this.worker = worker;
  }

  @Override
  public List<FrameAnswer> process(List<FrameTask> tasks, List<DecodedFrame> decoded, long startedMs) {
    List<FrameAnswer> answers = new ArrayList<>(tasks.size());
    for (FrameTask t : tasks) {
      answers.add(new FrameAnswer(t.sequence(), 0, 0, List.of(), false, t.tracking(), StageTimings.ZERO,
          Math.max(0, startedMs - t.sentAtMs()), tasks.size(), worker, null, null));
    }
    return answers;
  }

  @Override
  public void close() {
  }
}

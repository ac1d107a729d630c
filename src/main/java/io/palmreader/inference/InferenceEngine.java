package io.palmreader.inference;

import io.palmreader.vision.HandPipeline.DecodedFrame;
import java.util.List;

/** Turns a batch of frames into answers, in order. Used by one worker thread at a time. */
interface InferenceEngine extends AutoCloseable {

  /**
   * @param tasks     frames from any sessions
   * @param decoded   per task, its frame already decoded on another thread (ownership passes here), or null to
   *                  decode it here
   * @param startedMs when the batch started (server clock), to compute each frame's queue time
   */
  List<FrameAnswer> process(List<FrameTask> tasks, List<DecodedFrame> decoded, long startedMs);

  @Override
  void close();
}

package io.palmreader.inference;

import java.util.List;

/** Turns a batch of frames into answers, in order. Used by one worker thread at a time. */
interface InferenceEngine extends AutoCloseable {

  /**
   * @param tasks     frames from any sessions
   * @param startedMs when the batch started (server clock), to compute each frame's queue time
   */
  List<FrameAnswer> process(List<FrameTask> tasks, long startedMs);

  @Override
  void close();
}

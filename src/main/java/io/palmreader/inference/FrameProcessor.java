package io.palmreader.inference;

import io.palmreader.vision.DecodedFrame;
import java.util.List;

/**
 * Turns a batch of frames into answers, in order: the model ({@link PipelineProcessor}) or its stand-in for transport
 * and load tests ({@link EchoProcessor}). Used by one thread at a time.
 */
interface FrameProcessor extends AutoCloseable {

  /**
   * @param tasks     frames from any sessions
   * @param decoded   per task, its frame already decoded on another thread (ownership passes here), or null to
   *                  decode it here
   * @param startedMs when the batch started (server clock), to compute each frame's queue time
   */
  List<FrameAnswer> process(List<FrameTask> tasks, List<DecodedFrame> decoded, long startedMs);

  /** What runs the frames, for the start-up line. */
  String description();

  /**
   * Pays one-off costs before real frames come.
   *
   * @return a first estimate of the time a frame takes, ms
   */
  double warmUp();

  /** Why it runs slower than it should, for a warning at start-up, or null. */
  default String shortfall() {
    return null;
  }

  @Override
  void close();
}

package io.palmreader.inference;

/** Event bus addresses of the inference capability. */
public final class InferenceAddresses {

  /** Request/reply, load-balanced over every inference worker in the cluster: a {@link FrameTask} in, a {@link FrameAnswer} back. */
  public static final String FRAMES = "vision.frames";

  /** A message on {@link #FRAMES} with this header is a readiness probe: any worker answers it at once with its id. */
  public static final String PROBE_HEADER = "palmreader-probe";

  /**
   * Failure code of a frame a worker refuses at once because it could not answer it in time (its queue would keep
   * the frame longer than {@code inference.maxQueueMs}, or its sender has already given up on it). Not an error of
   * the frame's: the session drops it with reason {@code worker_busy} and sends the next.
   */
  public static final int BUSY = 503;

  private InferenceAddresses() {
  }
}

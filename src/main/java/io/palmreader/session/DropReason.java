package io.palmreader.session;

import io.palmreader.observability.MetricTag;
import io.palmreader.protocol.ErrorCode;

/**
 * Why a frame gets no {@code hands} answer, as {@code dropped} notices and {@code palmreader_frames_dropped_total} name
 * it.
 */
public enum DropReason implements MetricTag {
  /** A newer frame replaced it while it waited for a slot. */
  SUPERSEDED("superseded"),
  /** Over the session's (or its address's) frame rate. */
  RATE_LIMITED("rate_limited"),
  /** Bigger than the frame size limit. */
  FRAME_TOO_LARGE("frame_too_large"),
  /** Not a frame, or not an image. */
  INVALID_FRAME("invalid_frame"),
  /** No inference worker answered in time: none running, or a node gone. */
  OVER_CAPACITY("over_capacity"),
  /** The workers were all taken: refused at once rather than answered late. */
  WORKER_BUSY("worker_busy"),
  /** The node's gateways already hold {@code session.frameMemoryMb} of frames for inference. */
  FRAME_MEMORY("frame_memory"),
  /** Answered, but the client's socket was backed up: the next answer supersedes it. */
  CLIENT_SLOW("client_slow"),
  /** Inference failed on it. */
  INTERNAL("internal"),
  /** It was waiting when the session closed. */
  SESSION_CLOSED("session_closed"),
  /** It came while the node was stopping. */
  SHUTTING_DOWN("shutting_down");

  private final String wire;

  DropReason(String wire) {
    this.wire = wire;
  }

  @Override
  public String tag() {
    return wire;
  }

  /** The drop that goes with a frame refused with {@code code} by a worker (not an image, too large, failed). */
  public static DropReason of(ErrorCode code) {
    return switch (code) {
      case FRAME_TOO_LARGE -> FRAME_TOO_LARGE;
      case INVALID_FRAME -> INVALID_FRAME;
      case OVER_CAPACITY -> OVER_CAPACITY;
      case RATE_LIMITED -> RATE_LIMITED;
      default -> INTERNAL;
    };
  }
}

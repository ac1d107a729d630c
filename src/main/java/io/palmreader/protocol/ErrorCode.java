package io.palmreader.protocol;

/** The machine-readable codes of the {@code error} message; see docs/protocol.md. */
public enum ErrorCode {
  /** The frame's bytes are not a decodable JPEG or PNG, or its binary header is malformed. */
  INVALID_FRAME("invalid_frame"),
  /** The frame is bigger than the session's frame size limit. */
  FRAME_TOO_LARGE("frame_too_large"),
  /** A text message that is not JSON, has no known {@code type}, or has bad fields. */
  BAD_MESSAGE("bad_message"),
  /** Frames arrive faster than the session's frame-rate limit. */
  RATE_LIMITED("rate_limited"),
  /** No inference capacity answered in time, or none is deployed. */
  OVER_CAPACITY("over_capacity"),
  /** A failure on the server's side. */
  INTERNAL("internal");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  /** The code as it appears on the wire. */
  public String wire() {
    return wire;
  }
}

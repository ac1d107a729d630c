package io.palmreader.gateway;

import io.palmreader.observability.MetricTag;

/** Why a message was refused without a frame being dropped, as {@code palmreader_messages_refused_total} counts it. */
enum MessageRefusal implements MetricTag {
  TEXT_TOO_LARGE("text_too_large"),
  TEXT_RATE("text_rate"),
  BAD_MESSAGE("bad_message"),
  TOO_LARGE_FOR_SOCKET("too_large_for_socket");

  private final String tag;

  MessageRefusal(String tag) {
    this.tag = tag;
  }

  @Override
  public String tag() {
    return tag;
  }
}

package io.palmreader.protocol;

import io.palmreader.gesture.HandGesture;
import io.palmreader.vision.Hand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The server's text messages, built in one place so the wire format is documented by one class (docs/protocol.md). */
public final class ServerMessages {

  private ServerMessages() {
  }

  /** @param customGestures the names of the gestures the user taught */
  public static JsonObject welcome(String sessionId, JsonObject limits, JsonObject capabilities,
                                   List<String> customGestures) {
    return new JsonObject().put("type", "welcome").put("sessionId", sessionId).put("limits", limits)
        .put("capabilities", capabilities).put("customGestures", new JsonArray(customGestures));
  }

  /**
   * @param gestures what each hand shows, in the order of {@code hands}: its canned gesture, or a taught one
   * @param serverMs time from the frame's arrival at the gateway to this message
   * @param worker   the worker that answered, or null when clients are not told
   */
  public static JsonObject hands(long seq, long captureTs, int width, int height, List<Hand> hands,
                                 List<HandGesture> gestures, double queueMs, double inferMs, double serverMs,
                                 String worker) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < hands.size(); i++) {
      Hand h = hands.get(i);
      HandGesture g = gestures.get(i);
      JsonArray landmarks = new JsonArray();
      for (int j = 0; j < Hand.LANDMARKS; j++) {
        landmarks.add(new JsonArray().add(round(h.x(j), 4)).add(round(h.y(j), 4)).add(round(h.z(j), 4)));
      }
      JsonObject hand = new JsonObject()
          .put("gesture", g.name())
          .put("score", round(g.score(), 3));
      if (g.taught()) {
        hand.put("taught", true);
      }
      list.add(hand
          .put("handedness", h.handedness())
          .put("presence", round(h.presence(), 3))
          .put("landmarks", landmarks));
    }
    JsonObject m = new JsonObject().put("type", "hands").put("seq", seq).put("captureTs", captureTs)
        .put("width", width).put("height", height).put("hands", list)
        .put("timing", new JsonObject().put("queueMs", round(queueMs, 2)).put("inferMs", round(inferMs, 2))
            .put("serverMs", round(serverMs, 2)));
    if (worker != null) {
      m.put("worker", worker);
    }
    return m;
  }

  /** A gesture held long enough to count: sent once when it becomes stable. */
  public static JsonObject gesture(String name, String hand, long since) {
    return new JsonObject().put("type", "gesture").put("name", name).put("hand", hand).put("since", since);
  }

  /** A gesture taught from {@code samples} examples. */
  public static JsonObject taught(String name, int samples) {
    return new JsonObject().put("type", "taught").put("name", name).put("samples", samples);
  }

  /** A taught gesture forgotten. */
  public static JsonObject forgotten(String name) {
    return new JsonObject().put("type", "forgotten").put("name", name);
  }

  /** While a gesture is taught: examples gathered so far of those asked for. */
  public static JsonObject teaching(String name, int collected, int frames) {
    return new JsonObject().put("type", "teaching").put("name", name).put("collected", collected)
        .put("frames", frames);
  }

  /** The user's taught gestures, after a change made on another connection. */
  public static JsonObject customGestures(List<String> names) {
    return new JsonObject().put("type", "custom_gestures").put("customGestures", new JsonArray(names));
  }

  public static JsonObject error(ErrorCode code, String message, boolean fatal) {
    return new JsonObject().put("type", "error").put("code", code.wire()).put("message", message).put("fatal", fatal);
  }

  public static JsonObject error(ErrorCode code, String message, boolean fatal, long seq) {
    return error(code, message, fatal).put("seq", seq);
  }

  public static JsonObject stats(double fpsIn, double fpsOut, long dropped, double p50Ms) {
    return new JsonObject().put("type", "stats").put("fpsIn", round(fpsIn, 1)).put("fpsOut", round(fpsOut, 1))
        .put("dropped", dropped).put("p50Ms", round(p50Ms, 1));
  }

  /**
   * A frame that will get no answer, and why (a drop reason's wire name: {@code superseded}, {@code rate_limited},
   * {@code over_capacity}, {@code worker_busy}): lets a client that counts frames in flight send the next one at once.
   * Errors are told once; this is told per frame.
   */
  public static JsonObject dropped(long seq, String reason) {
    return new JsonObject().put("type", "dropped").put("seq", seq).put("reason", reason);
  }

  /** The next piece of an answer. */
  public static JsonObject aiDelta(String answerId, String delta, JsonObject trigger) {
    return new JsonObject().put("type", "ai").put("answerId", answerId).put("delta", delta).put("done", false)
        .put("trigger", trigger);
  }

  /**
   * The end of an answer: {@code ending} is {@code completed}, {@code cached}, {@code stopped} or {@code truncated}
   * (the last two flagged as such); {@code node} (when clients are told node names) and {@code stats} when known.
   */
  public static JsonObject aiDone(String answerId, JsonObject trigger, String ending, String node, JsonObject stats) {
    JsonObject m = new JsonObject().put("type", "ai").put("answerId", answerId).put("delta", "").put("done", true)
        .put("trigger", trigger);
    if ("truncated".equals(ending) || "stopped".equals(ending)) {
      m.put(ending, true);
    }
    if (node != null) {
      m.put("node", node);
    }
    if (stats != null) {
      m.put("stats", stats);
    }
    return m;
  }

  /** An answer that failed after {@code partial}. */
  public static JsonObject aiError(String answerId, ErrorCode code, String message, String partial) {
    return new JsonObject().put("type", "ai_error").put("answerId", answerId).put("code", code.wire())
        .put("message", message).put("partial", partial);
  }

  /** Whether answers can come now, and from which model. */
  public static JsonObject assistant(boolean enabled, boolean available, String model, String breaker) {
    return new JsonObject().put("type", "assistant").put("enabled", enabled).put("available", available)
        .put("model", model).put("breaker", breaker);
  }

  /** What set an answer off, as {@code ai} messages name it: a typed question. */
  public static JsonObject questionTrigger() {
    return new JsonObject().put("type", "question");
  }

  /** What set an answer off: a gesture held or made by a hand. */
  public static JsonObject gestureTrigger(String name, String hand) {
    return new JsonObject().put("type", "gesture").put("name", name).put("hand", hand);
  }

  /** The one mapping of a frame that gets no answer to what its client is told. */
  public static JsonObject notice(FrameNotice n) {
    if (n.code() == null) {
      return dropped(n.seq(), n.reason());
    }
    JsonObject error = n.seq() >= 0 ? error(n.code(), n.message(), false, n.seq()) : error(n.code(), n.message(), false);
    return n.retryAfterMs() > 0 ? error.put("retryAfterMs", n.retryAfterMs()) : error;
  }

  public static JsonObject pong(long ts) {
    return new JsonObject().put("type", "pong").put("ts", ts);
  }

  private static double round(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(v * scale) / scale;
  }
}

package io.palmreader.protocol;

import io.palmreader.vision.Hand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The server's text messages, built in one place so the wire format is documented by one class (docs/protocol.md). */
public final class ServerMessages {

  private ServerMessages() {
  }

  public static JsonObject welcome(String sessionId, JsonObject limits, JsonObject capabilities) {
    return new JsonObject().put("type", "welcome").put("sessionId", sessionId).put("limits", limits)
        .put("capabilities", capabilities);
  }

  /**
   * @param serverMs time from the frame's arrival at the gateway to this message
   */
  public static JsonObject hands(long seq, long captureTs, int width, int height, List<Hand> hands, double queueMs,
                                 double inferMs, double serverMs, String worker) {
    JsonArray list = new JsonArray();
    for (Hand h : hands) {
      JsonArray landmarks = new JsonArray();
      for (int j = 0; j < Hand.LANDMARKS; j++) {
        landmarks.add(new JsonArray().add(round(h.x(j), 4)).add(round(h.y(j), 4)).add(round(h.z(j), 4)));
      }
      list.add(new JsonObject()
          .put("gesture", h.gesture().label())
          .put("score", round(h.gestureScore(), 3))
          .put("handedness", h.handedness())
          .put("presence", round(h.presence(), 3))
          .put("landmarks", landmarks));
    }
    return new JsonObject().put("type", "hands").put("seq", seq).put("captureTs", captureTs)
        .put("width", width).put("height", height).put("hands", list)
        .put("timing", new JsonObject().put("queueMs", round(queueMs, 2)).put("inferMs", round(inferMs, 2))
            .put("serverMs", round(serverMs, 2)))
        .put("worker", worker);
  }

  /** A gesture held long enough to count: sent once when it becomes stable. */
  public static JsonObject gesture(String name, String hand, long since) {
    return new JsonObject().put("type", "gesture").put("name", name).put("hand", hand).put("since", since);
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
   * A frame that will get no answer, and why ({@code superseded}, {@code rate_limited}, {@code over_capacity}): lets a
   * client that counts frames in flight send the next one at once. Errors are told once; this is told per frame.
   */
  public static JsonObject dropped(long seq, String reason) {
    return new JsonObject().put("type", "dropped").put("seq", seq).put("reason", reason);
  }

  public static JsonObject pong(long ts) {
    return new JsonObject().put("type", "pong").put("ts", ts);
  }

  private static double round(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(v * scale) / scale;
  }
}

package io.palmreader.gateway;

import io.palmreader.config.Settings;
import io.palmreader.protocol.ClientFrame;
import io.palmreader.vision.ModelVariant;
import io.vertx.core.json.JsonObject;

/**
 * The gateway's settings; keys under {@code http.}, {@code session.} and {@code gesture.} (README, Configuration).
 *
 * @param host             interface to listen on
 * @param port             HTTP and WebSocket port (0 = any free port)
 * @param inflight         frames of one session handed to inference and not yet answered, at most
 * @param maxFrameBytes    largest image accepted in one binary message
 * @param maxFps           frames per second accepted from one session; faster frames are dropped
 * @param idleTimeoutMs    a session that sends nothing for this long is closed
 * @param answerTimeoutMs  a frame not answered by inference within this time fails with {@code over_capacity}
 * @param statsIntervalMs  how often a session gets its {@code stats}
 * @param holdFrames       answers in a row a gesture must be seen in to count as held
 * @param holdMs           and for at least this long
 * @param model            the model size a session gets unless its {@code hello} asks otherwise
 * @param maxHands         the most hands a session may ask for
 * @param assistantEnabled whether sessions start with the assistant on
 * @param attachFrame      whether the triggering frame goes to the model with the prompt (vision models)
 * @param gestureCooldownMs a gesture asks the assistant at most once per this many ms per session
 * @param asksPerMinute    questions per minute per session, across nodes (0: no limit)
 * @param asksPerMinutePerAddress questions per minute per client address, across nodes (0: no limit)
 * @param maxFpsPerAddress frames per second per client address, across nodes (0: no limit)
 * @param resumeTtlMs      how long a closed session can be resumed with its token
 * @param maxTextBytes     largest text message a session takes
 */
public record GatewayConfig(String host, int port, int inflight, int maxFrameBytes, int maxFps, int idleTimeoutMs,
                            int answerTimeoutMs, int statsIntervalMs, int holdFrames, int holdMs, ModelVariant model,
                            int maxHands, boolean assistantEnabled, boolean attachFrame, int gestureCooldownMs,
                            int asksPerMinute, int asksPerMinutePerAddress, int maxFpsPerAddress, int resumeTtlMs,
                            int maxTextBytes) {

  public static GatewayConfig from(Settings s) {
    return new GatewayConfig(
        s.string("http.host", "0.0.0.0"),
        s.integer("http.port", 8080, 0, 65535),
        s.integer("session.inflight", 1, 1, 16),
        s.integer("session.maxFrameBytes", 1 << 20, 1024, 64 << 20),
        s.integer("session.maxFps", 60, 1, 1000),
        s.integer("session.idleTimeoutMs", 30_000, 1000, 3_600_000),
        s.integer("session.answerTimeoutMs", 1_000, 100, 600_000),
        s.integer("session.statsIntervalMs", 1_000, 100, 60_000),
        s.integer("gesture.holdFrames", 5, 1, 1000),
        s.integer("gesture.holdMs", 300, 0, 60_000),
        ModelVariant.parse(s.oneOf("inference.model", "full", "lite", "full")),
        s.integer("inference.maxHands", 2, 1, 16),
        s.oneOf("assistant.enabled", "true", "true", "false").equals("true"),
        s.oneOf("assistant.attachFrame", "false", "true", "false").equals("true"),
        s.integer("assistant.gestureCooldownMs", 10_000, 0, 3_600_000),
        s.integer("assistant.asksPerMinute", 20, 0, 100_000),
        s.integer("assistant.asksPerMinutePerAddress", 60, 0, 1_000_000),
        s.integer("session.maxFpsPerAddress", 0, 0, 1_000_000),
        s.integer("session.resumeTtlMs", 600_000, 1000, 86_400_000),
        s.integer("session.maxTextBytes", 16_384, 256, 1 << 20));
  }

  /** This configuration with other per-session limits (a token's claims), the rest unchanged. */
  GatewayConfig withSessionLimits(int maxFps, int asksPerMinute) {
    return new GatewayConfig(host, port, inflight, maxFrameBytes, maxFps, idleTimeoutMs, answerTimeoutMs,
        statsIntervalMs, holdFrames, holdMs, model, maxHands, assistantEnabled, attachFrame, gestureCooldownMs,
        asksPerMinute, asksPerMinutePerAddress, maxFpsPerAddress, resumeTtlMs, maxTextBytes);
  }

  /** What the {@code welcome} message tells the client about its limits. */
  JsonObject limits() {
    return new JsonObject().put("inflight", inflight).put("maxFrameBytes", maxFrameBytes).put("maxFps", maxFps)
        .put("idleTimeoutMs", idleTimeoutMs).put("maxHands", maxHands).put("headerBytes", ClientFrame.HEADER_BYTES)
        .put("maxTextBytes", maxTextBytes);
  }
}

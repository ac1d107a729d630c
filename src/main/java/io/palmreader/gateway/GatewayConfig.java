package io.palmreader.gateway;

import io.palmreader.config.Settings;
import io.palmreader.gesture.TaughtGesture;
import io.palmreader.session.FrameMemory;

/**
 * How the gateway treats sessions; keys under {@code session.}, {@code gesture.} and the gateway's TLS keys under
 * {@code http.} (README, Configuration).
 *
 * @param inflight         frames of one session handed to inference and not yet answered, at most
 * @param maxFrameBytes    largest image accepted in one binary message
 * @param maxFps           frames per second accepted from one session; faster frames are dropped
 * @param idleTimeoutMs    a session that sends nothing for this long is closed
 * @param answerTimeoutMs  a frame not answered by inference within this time fails with {@code over_capacity}
 * @param statsIntervalMs  how often a session gets its {@code stats}
 * @param holdFrames       answers in a row a gesture must be seen in to count as held
 * @param holdMs           and for at least this long
 * @param maxFpsPerAddress frames per second per client address, across nodes (0: no limit)
 * @param resumeTtlMs      how long a closed session can be resumed with its token
 * @param maxTextBytes     largest text message a session takes
 * @param maxTextPerSecond text messages a second a session may send (bursts of a second's worth)
 * @param teachPerMinute   gestures a session may teach or forget a minute
 * @param taughtTtlDays    how long a user's taught gestures are kept after their last session
 * @param maxRecordings    recordings a taught gesture keeps, the oldest dropped past it
 * @param tlsCertPath      PEM certificate for HTTPS and WSS, or empty
 * @param tlsKeyPath       its PEM key, or empty
 * @param frameMemoryMb    MiB of frames the node's sessions may hold for inference at once, in flight or waiting
 */
public record GatewayConfig(
        int inflight,
        int maxFrameBytes,
        int maxFps,
        int idleTimeoutMs,
        int answerTimeoutMs,
        int statsIntervalMs,
        int holdFrames,
        int holdMs,
        int maxFpsPerAddress,
        int resumeTtlMs,
        int maxTextBytes,
        int maxTextPerSecond,
        int teachPerMinute,
        int taughtTtlDays,
        int maxRecordings,
        String tlsCertPath,
        String tlsKeyPath,
        int frameMemoryMb) {

    public static GatewayConfig from(Settings s) {
        return new GatewayConfig(
                s.integer("session.inflight", 1, 1, 16),
                s.integer("session.maxFrameBytes", 1 << 20, 1024, 64 << 20),
                s.integer("session.maxFps", 60, 1, 1000),
                s.integer("session.idleTimeoutMs", 30_000, 1000, 3_600_000),
                s.integer("session.answerTimeoutMs", 1_000, 100, 600_000),
                s.integer("session.statsIntervalMs", 1_000, 100, 60_000),
                s.integer("gesture.holdFrames", 5, 1, 1000),
                s.integer("gesture.holdMs", 300, 0, 60_000),
                s.integer("session.maxFpsPerAddress", 0, 0, 1_000_000),
                s.integer("session.resumeTtlMs", 600_000, 1000, 86_400_000),
                s.integer("session.maxTextBytes", 16_384, 256, 1 << 20),
                s.integer("session.maxTextPerSecond", 10, 1, 1000),
                s.integer("gesture.teachPerMinute", 6, 1, 600),
                s.integer("gesture.taughtTtlDays", 90, 1, 3650),
                s.integer("gesture.maxRecordings", 16, 1, TaughtGesture.MAX_RECORDINGS),
                s.string("http.tlsCertPath", "").trim(),
                s.string("http.tlsKeyPath", "").trim(),
                s.integer("session.frameMemoryMb", FrameMemory.defaultBudgetMb(), 1, 1_000_000));
    }

    /** Whether the gateway serves HTTPS and WSS. */
    public boolean tls() {
        return !tlsCertPath.isEmpty() && !tlsKeyPath.isEmpty();
    }
}

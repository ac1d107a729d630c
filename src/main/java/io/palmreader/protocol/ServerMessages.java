package io.palmreader.protocol;

import io.palmreader.gesture.HandGesture;
import io.palmreader.vision.Hand;
import io.palmreader.vision.ModelVariant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The server's text messages, each built whole here, so that the wire format is documented by one class
 * (docs/protocol.md) and no caller adds a field to a message after it was built.
 */
public final class ServerMessages {

    private ServerMessages() {}

    /**
     * What a {@code welcome} tells a client about its session's limits.
     *
     * @param inflight      frames of the session with inference at once, at most
     * @param maxFrameBytes largest image of a binary message
     * @param maxFps        frames a second the session may send
     * @param idleTimeoutMs a session silent this long is closed
     * @param maxHands      hands found in a frame now
     * @param model         the model size its frames go to now
     * @param maxTextBytes  largest text message
     */
    public record Limits(
            int inflight,
            int maxFrameBytes,
            int maxFps,
            int idleTimeoutMs,
            int maxHands,
            ModelVariant model,
            boolean fixedQuality,
            int maxTextBytes) {

        JsonObject toJson() {
            return new JsonObject()
                    .put("inflight", inflight)
                    .put("maxFrameBytes", maxFrameBytes)
                    .put("maxFps", maxFps)
                    .put("idleTimeoutMs", idleTimeoutMs)
                    .put("maxHands", maxHands)
                    .put("headerBytes", ClientFrame.HEADER_BYTES)
                    .put("maxTextBytes", maxTextBytes)
                    .put("model", model.id())
                    .put("quality", fixedQuality ? "fixed" : "adaptive");
        }
    }

    /**
     * What a {@code welcome} says the node can do: the same for every session of a node.
     *
     * @param node      the node's name, or null when clients are not told it
     * @param gestures  the built-in gestures and movements a {@code gesture} message may name
     * @param assistant whether the node has an assistant
     */
    public record Capabilities(String node, List<String> gestures, boolean assistant) {

        public Capabilities {
            gestures = List.copyOf(gestures);
        }

        JsonObject toJson() {
            JsonObject json = new JsonObject();
            if (node != null) {
                json.put("node", node);
            }
            JsonArray models = new JsonArray();
            for (ModelVariant model : ModelVariant.values()) {
                models.add(model.id());
            }
            return json.put("models", models)
                    .put("gestures", new JsonArray(gestures))
                    .put("assistant", assistant);
        }
    }

    /**
     * The first message of a session, and the answer to each {@code hello}.
     *
     * @param resumeToken    what the client sends in {@code hello.resume} after a reconnect
     * @param resumed        whether this session took up an earlier one's (told only when it did)
     * @param taught         the gestures the user taught, then those of the user's team
     */
    public static JsonObject welcome(
            String sessionId,
            String resumeToken,
            boolean resumed,
            Limits limits,
            Capabilities capabilities,
            List<TaughtEntry> taught) {
        JsonObject m = new JsonObject()
                .put("type", "welcome")
                .put("sessionId", sessionId)
                .put("limits", limits.toJson())
                .put("capabilities", capabilities.toJson())
                .put("customGestures", names(taught))
                .put("taughtGestures", entries(taught))
                .put("resumeToken", resumeToken);
        return resumed ? m.put("resumed", true) : m;
    }

    /**
     * @param gestures what each hand shows, in the order of {@code hands}: its canned gesture, or a taught one
     * @param model    the model that ran
     * @param rung     the rung of the node's quality ladder it ran on: 0 as the session asked, 1 the lite model, 2 the
     *                 lite model searching for new hands less often
     * @param serverMs time from the frame's arrival at the gateway to this message
     * @param worker   the worker that answered, or null when clients are not told
     */
    public static JsonObject hands(
            long seq,
            long captureTs,
            int width,
            int height,
            List<Hand> hands,
            List<HandGesture> gestures,
            ModelVariant model,
            int rung,
            double queueMs,
            double inferMs,
            double serverMs,
            String worker) {
        JsonArray list = new JsonArray();
        for (int i = 0; i < hands.size(); i++) {
            Hand h = hands.get(i);
            HandGesture g = gestures.get(i);
            JsonArray landmarks = new JsonArray();
            for (int j = 0; j < Hand.LANDMARKS; j++) {
                landmarks.add(new JsonArray()
                        .add(round(h.x(j), 4))
                        .add(round(h.y(j), 4))
                        .add(round(h.z(j), 4)));
            }
            JsonObject hand = new JsonObject().put("gesture", g.name()).put("score", round(g.score(), 3));
            if (g.taught()) {
                hand.put("taught", true);
            }
            list.add(hand.put("handedness", h.handedness().label())
                    .put("presence", round(h.presence(), 3))
                    .put("landmarks", landmarks));
        }
        JsonObject m = new JsonObject()
                .put("type", "hands")
                .put("seq", seq)
                .put("captureTs", captureTs)
                .put("width", width)
                .put("height", height)
                .put("hands", list)
                .put("model", model.id())
                .put("rung", rung)
                .put(
                        "timing",
                        new JsonObject()
                                .put("queueMs", round(queueMs, 2))
                                .put("inferMs", round(inferMs, 2))
                                .put("serverMs", round(serverMs, 2)));
        if (worker != null) {
            m.put("worker", worker);
        }
        return m;
    }

    /** A gesture held long enough to count: sent once when it becomes stable. */
    public static JsonObject gesture(String name, String hand, long since) {
        return new JsonObject()
                .put("type", "gesture")
                .put("name", name)
                .put("hand", hand)
                .put("since", since);
    }

    /**
     * A taught gesture as clients see it.
     *
     * @param recordings how many recordings it has
     * @param team       whether it belongs to the user's team rather than to the user
     */
    public record TaughtEntry(String name, int recordings, boolean team) {}

    /**
     * A recording taken: the gesture now has {@code recordings} of them, {@code samples} examples in all.
     *
     * @param team whether it went to the user's team's set
     */
    public static JsonObject taught(String name, int samples, int recordings, boolean team) {
        return new JsonObject()
                .put("type", "taught")
                .put("name", name)
                .put("samples", samples)
                .put("recordings", recordings)
                .put("team", team);
    }

    /** A taught gesture forgotten. */
    public static JsonObject forgotten(String name) {
        return new JsonObject().put("type", "forgotten").put("name", name);
    }

    /** While a gesture is taught: examples gathered so far of those asked for. */
    public static JsonObject teaching(String name, int collected, int frames) {
        return new JsonObject()
                .put("type", "teaching")
                .put("name", name)
                .put("collected", collected)
                .put("frames", frames);
    }

    /** The user's taught gestures (own, then the team's), after a change made on another connection. */
    public static JsonObject customGestures(List<TaughtEntry> taught) {
        return new JsonObject()
                .put("type", "custom_gestures")
                .put("customGestures", names(taught))
                .put("taughtGestures", entries(taught));
    }

    private static JsonArray names(List<TaughtEntry> taught) {
        return new JsonArray(taught.stream().map(TaughtEntry::name).toList());
    }

    private static JsonArray entries(List<TaughtEntry> taught) {
        JsonArray list = new JsonArray();
        for (TaughtEntry t : taught) {
            list.add(new JsonObject()
                    .put("name", t.name())
                    .put("recordings", t.recordings())
                    .put("team", t.team()));
        }
        return list;
    }

    /** @param fatal whether the server closes the connection after it */
    public static JsonObject error(ErrorCode code, String message, boolean fatal) {
        return new JsonObject()
                .put("type", "error")
                .put("code", code.wire())
                .put("message", message)
                .put("fatal", fatal);
    }

    /** A refused {@code teach} or {@code forget}, or a gesture that could not be taught: {@code name} says which. */
    public static JsonObject teachError(ErrorCode code, String message, String name) {
        return error(code, message, false).put("name", name);
    }

    /** A question over its limits: {@code retryAfterMs} says when one would be taken. */
    public static JsonObject questionLimited(String message, long retryAfterMs) {
        return error(ErrorCode.RATE_LIMITED, message, false).put("retryAfterMs", retryAfterMs);
    }

    /**
     * @param dropped  frames dropped since the session began
     * @param degraded frames answered on a lower rung than asked (the lite model) since the session began
     */
    public static JsonObject stats(double fpsIn, double fpsOut, long dropped, long degraded, double p50Ms) {
        return new JsonObject()
                .put("type", "stats")
                .put("fpsIn", round(fpsIn, 1))
                .put("fpsOut", round(fpsOut, 1))
                .put("dropped", dropped)
                .put("degraded", degraded)
                .put("p50Ms", round(p50Ms, 1));
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
        return new JsonObject()
                .put("type", "ai")
                .put("answerId", answerId)
                .put("delta", delta)
                .put("done", false)
                .put("trigger", trigger);
    }

    /**
     * The end of an answer: {@code ending} is {@code completed}, {@code cached}, {@code stopped} or {@code truncated}
     * (the last two flagged as such); {@code node} (when clients are told node names) and {@code stats} when known.
     */
    public static JsonObject aiDone(String answerId, JsonObject trigger, String ending, String node, JsonObject stats) {
        JsonObject m = new JsonObject()
                .put("type", "ai")
                .put("answerId", answerId)
                .put("delta", "")
                .put("done", true)
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
        return new JsonObject()
                .put("type", "ai_error")
                .put("answerId", answerId)
                .put("code", code.wire())
                .put("message", message)
                .put("partial", partial);
    }

    /** Whether answers can come now, and from which model. */
    public static JsonObject assistant(boolean enabled, boolean available, String model, String breaker) {
        return new JsonObject()
                .put("type", "assistant")
                .put("enabled", enabled)
                .put("available", available)
                .put("model", model)
                .put("breaker", breaker);
    }

    /** What set an answer off, as {@code ai} messages name it: a typed question. */
    public static JsonObject questionTrigger() {
        return new JsonObject().put("type", "question");
    }

    /** What set an answer off: a gesture held or made by a hand. */
    public static JsonObject gestureTrigger(String name, String hand) {
        return new JsonObject().put("type", "gesture").put("name", name).put("hand", hand);
    }

    /**
     * The one mapping of a frame that gets no answer to what its client is told: an {@code error} with the frame's
     * {@code seq} when it could be read, and {@code retryAfterMs} for a rate limit that knows it; else {@code dropped}.
     */
    public static JsonObject notice(FrameNotice n) {
        if (n.code() == null) {
            return dropped(n.seq(), n.reason());
        }
        JsonObject error = error(n.code(), n.message(), false);
        if (n.seq() >= 0) {
            error.put("seq", n.seq());
        }
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

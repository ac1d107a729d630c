package io.palmreader.eventlog;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Where the rest of the node reports what happened, fire-and-forget: records go over the event bus to an event log
 * verticle (on this node or another) and on to Kafka. Nothing here waits, so the real-time path never does.
 */
public final class EventLog {

    /** Event bus address the event log verticle consumes: {@code {"topic", "key", "value"}}. */
    public static final String ADDRESS = "events.records";

    public static final String SESSIONS = "palmreader.sessions";
    public static final String GESTURES = "palmreader.gestures";
    public static final String ANSWERS = "palmreader.answers";

    private EventLog() {}

    /** Address the event log verticle answers its status on: buffered, sent, dropped, connected, last error. */
    public static final String STATUS = "events.status";

    /** The event log's status from whichever node runs it; fails when none does. */
    public static io.vertx.core.Future<JsonObject> status(Vertx vertx, long timeoutMs) {
        return vertx.eventBus()
                .<JsonObject>request(
                        STATUS, null, new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(timeoutMs))
                .map(m -> m.body());
    }

    /** Reports one record on {@code topic}, keyed by session id; {@code at} is added. Lost if no event log runs. */
    public static void record(Vertx vertx, String topic, String sessionId, JsonObject value) {
        vertx.eventBus()
                .send(
                        ADDRESS,
                        new JsonObject()
                                .put("topic", topic)
                                .put("key", sessionId)
                                .put("value", value.put("sessionId", sessionId).put("at", System.currentTimeMillis())));
    }
}

package io.palmreader.gateway;

import io.palmreader.eventlog.EventLog;
import io.palmreader.gesture.GestureRecording;
import io.palmreader.gesture.HandGesture;
import io.palmreader.gesture.TaughtGesture;
import io.palmreader.gesture.TaughtGestures;
import io.palmreader.protocol.ClientChannel;
import io.palmreader.protocol.ClientInput;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ProtocolException;
import io.palmreader.protocol.ServerMessages;
import io.palmreader.session.TaughtGestureRecords;
import io.palmreader.session.TeachRequest;
import io.palmreader.session.TokenBucket;
import io.palmreader.store.StoreKeys;
import io.palmreader.vision.Hand;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's taught gestures: the owner's set, loaded from the store, that names the hands of every answer; the
 * {@code teach} in progress, fed by those answers; {@code forget}. A change is written to the store and announced on
 * the event bus at {@link #CHANGED}, so that the owner's other sessions, on any node, load the new set. On the
 * session's event loop.
 */
final class GestureTeaching {

    /** Where a change to an owner's taught gestures is published: {@code {owner, session}}. */
    static final String CHANGED = "palmreader.gestures.changed";

    private static final Logger LOG = LoggerFactory.getLogger(GestureTeaching.class);

    private final SessionContext ctx;
    private final String sessionId;
    private final ClientChannel channel;
    private final TaughtGestureRecords records;
    private final TokenBucket teachRate;
    private String owner;
    /** The owner's store key, which change notices name. */
    private String ownerKey;

    private TaughtGestures taught = TaughtGestures.NONE;
    private GestureRecording recording;
    private long recordingTimer = -1;
    private Future<Void> loaded = Future.succeededFuture();
    /** The taught gesture each hand showed in the answer before. */
    private final Map<String, String> held = new HashMap<>();

    GestureTeaching(SessionContext ctx, String sessionId, ClientChannel channel, String owner) {
        this.ctx = ctx;
        this.sessionId = sessionId;
        this.channel = channel;
        this.owner = owner;
        this.ownerKey = StoreKeys.taughtGestures(owner);
        this.records = new TaughtGestureRecords(ctx.store(), ctx.gateway().taughtTtlDays() * 86_400_000L);
        this.teachRate = new TokenBucket(
                ctx.gateway().teachPerMinute() / 60.0, ctx.gateway().teachPerMinute());
    }

    /** Who the gestures belong to: a token's subject, or an identity handed on by resume tokens. */
    String owner() {
        return owner;
    }

    /** The set in use now, which names the hands of each answer. */
    TaughtGestures taught() {
        return taught;
    }

    /** What each hand of an answer shows, a taught gesture taking precedence; hands keep a taught name as they move. */
    List<HandGesture> label(List<Hand> hands) {
        List<HandGesture> shown = taught.label(hands, held);
        held.clear();
        for (int i = 0; i < hands.size(); i++) {
            if (shown.get(i).taught()) {
                held.put(hands.get(i).handedness().label(), shown.get(i).name());
            }
        }
        return shown;
    }

    /** Completes once the owner's set is loaded (or found unreadable, leaving none). */
    Future<Void> loaded() {
        return loaded;
    }

    /** Loads {@code newOwner}'s set, which replaces the one in use once read. */
    Future<Void> load(String newOwner) {
        if (!newOwner.equals(owner)) {
            owner = newOwner;
            ownerKey = StoreKeys.taughtGestures(newOwner);
        }
        loaded = records.load(newOwner).transform(ar -> {
            if (ar.succeeded()) {
                if (newOwner.equals(owner)) {
                    taught = ar.result();
                }
            } else {
                LOG.warn(
                        "session {}: taught gestures could not be read ({}); none are used until the next change",
                        sessionId,
                        ar.cause().getMessage());
            }
            return Future.succeededFuture();
        });
        return loaded;
    }

    /** Whether a change announced for this store key concerns this session's owner. */
    boolean owns(String key) {
        return ownerKey.equals(key);
    }

    /** The owner's set changed on another connection: read it again and tell the client. */
    void reload() {
        load(owner).onSuccess(v -> channel.send(ServerMessages.customGestures(taught.names())));
    }

    /**
     * {@code {"type":"teach","name":…,"frames":…}}: the next answers with one hand become the examples. A refusal is an
     * {@code error} that names the gesture.
     */
    void teach(JsonObject message, long nowMs) {
        try {
            TeachRequest request = TeachRequest.teach(message, taught, recording == null ? null : recording.name());
            rateLimit();
            recording = new GestureRecording(request.name(), request.frames(), nowMs);
        } catch (ProtocolException e) {
            channel.send(ServerMessages.teachError(
                    e.code(), e.getMessage(), ClientInput.echo(TeachRequest.nameOf(message))));
            return;
        }
        recordingTimer = ctx.vertx().setTimer(GestureRecording.TIME_LIMIT_MS, t -> finishRecording());
        channel.send(ServerMessages.teaching(recording.name(), 0, recording.frames()));
    }

    /** {@code {"type":"forget","name":…}}; a refusal is an {@code error} that names the gesture. */
    void forget(JsonObject message) {
        String name;
        try {
            name = TeachRequest.forget(message, taught);
        } catch (ProtocolException e) {
            channel.send(ServerMessages.teachError(
                    e.code(), e.getMessage(), ClientInput.echo(TeachRequest.nameOf(message))));
            return;
        }
        try {
            rateLimit();
        } catch (ProtocolException e) {
            channel.send(ServerMessages.teachError(e.code(), e.getMessage(), name));
            return;
        }
        change(set -> set.without(name), "forgotten", name, 0)
                .onSuccess(v -> channel.send(ServerMessages.forgotten(name)));
    }

    /** Whether the next frame should be searched afresh instead of followed, for the recording in progress. */
    boolean freshSearchDue() {
        return recording != null && recording.freshSearchDue();
    }

    /** Feeds an answer's hands to the recording in progress, if any. */
    void onAnswer(List<Hand> hands) {
        if (recording == null) {
            return;
        }
        int before = recording.collected();
        boolean complete = recording.offer(hands);
        if (recording.collected() != before) {
            channel.send(ServerMessages.teaching(recording.name(), recording.collected(), recording.frames()));
        }
        if (complete) {
            finishRecording();
        }
    }

    /** The session is over: a recording in progress is abandoned. */
    void close() {
        ctx.vertx().cancelTimer(recordingTimer);
        recording = null;
    }

    private void rateLimit() {
        if (!teachRate.tryAcquire(System.nanoTime())) {
            throw new ProtocolException(
                    ErrorCode.RATE_LIMITED,
                    "at most " + ctx.gateway().teachPerMinute() + " gestures taught or forgotten a minute");
        }
    }

    private void finishRecording() {
        GestureRecording done = recording;
        if (done == null) {
            return;
        }
        recording = null;
        ctx.vertx().cancelTimer(recordingTimer);
        TaughtGesture gesture;
        try {
            gesture = done.finish(System.currentTimeMillis());
        } catch (GestureRecording.TeachFailure e) {
            channel.send(ServerMessages.teachError(ErrorCode.TEACH_FAILED, e.getMessage(), done.name()));
            return;
        }
        change(
                        set -> set.has(gesture.name()) || set.gestures().size() < TaughtGestures.MAX_PER_USER
                                ? set.with(gesture)
                                : null,
                        "taught",
                        gesture.name(),
                        gesture.samples())
                .onSuccess(v -> channel.send(ServerMessages.taught(gesture.name(), gesture.samples())));
    }

    /**
     * Applies {@code edit} to the owner's stored set (read again, so that a change made meanwhile on another connection
     * is kept), stores the result, uses it and announces it. An edit that returns null is refused: the limit.
     */
    private Future<Void> change(UnaryOperator<TaughtGestures> edit, String event, String name, int samples) {
        String changedOwner = owner;
        String changedKey = ownerKey;
        return records.load(changedOwner)
                .otherwise(taught)
                .compose(current -> {
                    TaughtGestures next = edit.apply(current);
                    if (next == null) {
                        return Future.failedFuture(TeachRequest.limitReached());
                    }
                    return records.save(changedOwner, next).map(next);
                })
                .onSuccess(next -> {
                    if (changedOwner.equals(owner)) {
                        taught = next;
                    }
                    ctx.vertx()
                            .eventBus()
                            .publish(
                                    CHANGED,
                                    new JsonObject().put("owner", changedKey).put("session", sessionId));
                    EventLog.record(
                            ctx.vertx(),
                            EventLog.GESTURES,
                            sessionId,
                            new JsonObject()
                                    .put("kind", event)
                                    .put("name", name)
                                    .put("samples", samples));
                })
                .onFailure(e -> {
                    if (e instanceof ProtocolException p) {
                        channel.send(ServerMessages.teachError(p.code(), p.getMessage(), name));
                    } else {
                        LOG.warn("session {}: taught gestures could not be saved: {}", sessionId, e.getMessage());
                        channel.send(ServerMessages.teachError(
                                ErrorCode.TEACH_FAILED, "the gesture could not be saved; try again", name));
                    }
                })
                .mapEmpty();
    }
}

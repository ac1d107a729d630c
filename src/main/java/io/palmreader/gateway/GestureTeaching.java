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
import io.palmreader.protocol.ServerMessages.TaughtEntry;
import io.palmreader.session.TaughtGestureRecords;
import io.palmreader.session.TeachRequest;
import io.palmreader.session.TokenBucket;
import io.palmreader.store.StoreKeys;
import io.palmreader.vision.Hand;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's taught gestures: the owner's set and, for a member of a team (a token's {@code group}), the team's set,
 * both loaded from the store, that name the hands of every answer (the owner's own gesture winning on a name clash);
 * the {@code teach} in progress, fed by those answers; {@code forget}. Teaching a name the set has adds the recording
 * to it ({@code gesture.maxRecordings} at most, oldest dropped) unless the request says {@code replace}. A member with
 * the {@code gestures:write} scope teaches and forgets the team's gestures; anyone else their own. A change is written
 * to the store and announced on the event bus at {@link #CHANGED}, so that the sessions it concerns, on any node, load
 * the new set. On the session's event loop.
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
    private final SessionGrant grant;
    private String owner;
    /** The owner's store key, which change notices name. */
    private String ownerKey;
    /** The team's store key, or null without a team. */
    private final String teamKey;

    private TaughtGestures own = TaughtGestures.NONE;
    private TaughtGestures team = TaughtGestures.NONE;
    /** The set that names hands: the owner's, then the team's. */
    private TaughtGestures taught = TaughtGestures.NONE;

    private GestureRecording recording;
    private boolean replaceRecording;
    private long recordingTimer = -1;
    private Future<Void> loaded = Future.succeededFuture();
    /** The taught gesture each hand showed in the answer before. */
    private final Map<String, String> held = new HashMap<>();

    GestureTeaching(SessionContext ctx, String sessionId, ClientChannel channel, String owner, SessionGrant grant) {
        this.ctx = ctx;
        this.sessionId = sessionId;
        this.channel = channel;
        this.owner = owner;
        this.ownerKey = StoreKeys.taughtGestures(owner);
        this.grant = grant;
        this.teamKey = grant.teamOwner() == null ? null : StoreKeys.taughtGestures(grant.teamOwner());
        this.records =
                new TaughtGestureRecords(ctx.vertx(), ctx.store(), ctx.gateway().taughtTtlDays() * 86_400_000L);
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

    /** What the client is told of the set in use: the owner's gestures, then the team's, with their recordings. */
    List<TaughtEntry> entries() {
        List<TaughtEntry> list = new ArrayList<>();
        for (TaughtGesture g : taught.gestures()) {
            boolean fromTeam = !own.has(g.name());
            list.add(new TaughtEntry(g.name(), g.recordings().size(), fromTeam));
        }
        return list;
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

    /** Completes once the owner's and the team's sets are loaded (or found unreadable, leaving none). */
    Future<Void> loaded() {
        return loaded;
    }

    /** Loads {@code newOwner}'s set and the team's, which replace the ones in use once read. */
    Future<Void> load(String newOwner) {
        if (!newOwner.equals(owner)) {
            owner = newOwner;
            ownerKey = StoreKeys.taughtGestures(newOwner);
        }
        Future<TaughtGestures> ownRead = read(newOwner);
        Future<TaughtGestures> teamRead =
                grant.teamOwner() == null ? Future.succeededFuture(TaughtGestures.NONE) : read(grant.teamOwner());
        loaded = Future.join(ownRead, teamRead)
                .transform(ar -> {
                    TaughtGestures nextOwn = ownRead.result() != null ? ownRead.result() : own;
                    TaughtGestures nextTeam = teamRead.result() != null ? teamRead.result() : team;
                    return records.build(() -> nextOwn.withShared(nextTeam)).onSuccess(both -> {
                        if (newOwner.equals(owner)) {
                            own = nextOwn;
                            team = nextTeam;
                            taught = both;
                        }
                    });
                })
                .mapEmpty();
        return loaded;
    }

    private Future<TaughtGestures> read(String whose) {
        return records.load(whose)
                .onFailure(e -> LOG.warn(
                        "session {}: taught gestures could not be read ({}); the ones in use stay until the next change",
                        sessionId,
                        e.getMessage()));
    }

    /** Whether a change announced for this store key concerns this session: its owner's set or its team's. */
    boolean owns(String key) {
        return ownerKey.equals(key) || key.equals(teamKey);
    }

    /** The owner's or the team's set changed on another connection: read them again and tell the client. */
    void reload() {
        load(owner).onSuccess(v -> channel.send(ServerMessages.customGestures(entries())));
    }

    /**
     * {@code {"type":"teach","name":…,"frames":…,"replace":…}}: the next answers with one hand become the examples. A
     * refusal is an {@code error} that names the gesture.
     */
    void teach(JsonObject message, long nowMs) {
        try {
            TeachRequest request = TeachRequest.teach(message, editable(), recording == null ? null : recording.name());
            rateLimit();
            recording = new GestureRecording(request.name(), request.frames(), nowMs);
            replaceRecording = request.replace();
        } catch (ProtocolException e) {
            channel.send(ServerMessages.teachError(
                    e.code(), e.getMessage(), ClientInput.echo(TeachRequest.nameOf(message))));
            return;
        }
        recordingTimer = ctx.vertx().setTimer(GestureRecording.TIME_LIMIT_MS, t -> finishRecording());
        channel.send(ServerMessages.teaching(recording.name(), 0, recording.frames()));
    }

    /**
     * {@code {"type":"forget","name":…}}: one of the owner's gestures, or for a member with the scope one of the
     * team's; a refusal is an {@code error} that names the gesture.
     */
    void forget(JsonObject message) {
        String name;
        boolean fromTeam;
        try {
            String asked = TeachRequest.nameOf(message);
            fromTeam = grant.teachesForTeam() && !own.has(asked) && team.has(asked);
            name = TeachRequest.forget(message, fromTeam ? team : own);
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
        change(fromTeam, set -> set.without(name), "forgotten", name, 0)
                .onSuccess(v -> channel.send(ServerMessages.forgotten(name)));
    }

    /** The set a {@code teach} changes: the team's for a member with the scope, else the owner's. */
    private TaughtGestures editable() {
        return grant.teachesForTeam() ? team : own;
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
        boolean replace = replaceRecording;
        boolean forTeam = grant.teachesForTeam();
        int maxRecordings = ctx.gateway().maxRecordings();
        change(
                        forTeam,
                        set -> {
                            if (!set.has(gesture.name()) && set.gestures().size() >= TaughtGestures.MAX_PER_USER) {
                                return null;
                            }
                            return replace ? set.with(gesture) : set.adding(gesture, maxRecordings);
                        },
                        "taught",
                        gesture.name(),
                        gesture.samples())
                .onSuccess(next -> {
                    TaughtGesture now = next.get(gesture.name());
                    channel.send(ServerMessages.taught(
                            now.name(), now.samples(), now.recordings().size(), forTeam));
                });
    }

    /**
     * Applies {@code edit} to the owner's (or the team's) stored set (read again, so that a change made meanwhile on
     * another connection is kept), stores the result, uses it and announces it. An edit that returns null is refused:
     * the limit.
     */
    private Future<TaughtGestures> change(
            boolean forTeam, UnaryOperator<TaughtGestures> edit, String event, String name, int samples) {
        String changedOwner = forTeam ? grant.teamOwner() : owner;
        String changedKey = forTeam ? teamKey : ownerKey;
        return records.load(changedOwner)
                .otherwise(forTeam ? team : own)
                // Building a set learns its radii: tens of milliseconds for a full one, so not on the event loop.
                .compose(current -> records.build(() -> edit.apply(current)))
                .compose(next -> {
                    if (next == null) {
                        return Future.failedFuture(TeachRequest.limitReached());
                    }
                    return records.save(changedOwner, next).map(next);
                })
                .compose(next -> {
                    if (forTeam) {
                        team = next;
                    } else if (changedOwner.equals(owner)) {
                        own = next;
                    }
                    TaughtGestures nextOwn = own;
                    TaughtGestures nextTeam = team;
                    return records.build(() -> nextOwn.withShared(nextTeam)).map(both -> {
                        taught = both;
                        return next;
                    });
                })
                .onSuccess(next -> {
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
                                    .put("samples", samples)
                                    .put("team", forTeam));
                })
                .onFailure(e -> {
                    if (e instanceof ProtocolException p) {
                        channel.send(ServerMessages.teachError(p.code(), p.getMessage(), name));
                    } else {
                        LOG.warn("session {}: taught gestures could not be saved: {}", sessionId, e.getMessage());
                        channel.send(ServerMessages.teachError(
                                ErrorCode.TEACH_FAILED, "the gesture could not be saved; try again", name));
                    }
                });
    }
}

package io.palmreader.gateway;

import io.palmreader.assistant.AssistantClient;
import io.palmreader.eventlog.EventLog;
import io.palmreader.gesture.GestureEvents;
import io.palmreader.gesture.HandGesture;
import io.palmreader.inference.FrameAnswer;
import io.palmreader.inference.FrameTask;
import io.palmreader.inference.InferenceOutcome;
import io.palmreader.inference.Rung;
import io.palmreader.protocol.ClientChannel;
import io.palmreader.protocol.ClientFrame;
import io.palmreader.protocol.FrameNotice;
import io.palmreader.protocol.ServerMessages;
import io.palmreader.session.DropReason;
import io.palmreader.session.FrameFlow;
import io.palmreader.session.SessionStats;
import io.palmreader.session.SharedLimits;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.TrackingState;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A session's frames, from the socket to their answers: admitted by the session's mailbox, {@link FrameFlow}, sent
 * through the {@code InferenceClient}, answered as {@code hands} with the gestures they make, or refused with a
 * notice. Whether the session is draining or closed is the mailbox's to say: this class asks it and calls nothing
 * back in the socket adapter. On the session's event loop.
 */
final class FramePath {

    private final SessionContext ctx;
    private final String sessionId;
    private final ClientChannel channel;
    private final AssistantClient assistant;
    private final GestureTeaching teaching;
    private final SessionStats stats;
    private final FrameFlow flow;
    private final SharedLimits limits;
    private final String user;
    private final String addressKey;
    private final GestureEvents gestures;
    private ModelVariant model;
    private int maxHands;
    private TrackingState tracking = TrackingState.NONE;
    /** The rung the session's last answer ran on: its next frame starts there (the ladder's hysteresis). */
    private Rung rung = Rung.AS_ASKED;

    private boolean fixedQuality;

    /**
     * @param user     who the session's questions count against ({@link SessionGrant#user})
     * @param addressKey the client's address as its limits count it ({@link AddressKey})
     */
    FramePath(
            SessionContext ctx,
            String sessionId,
            ClientChannel channel,
            AssistantClient assistant,
            GestureTeaching teaching,
            SessionStats stats,
            int maxFps,
            SharedLimits limits,
            String user,
            String addressKey) {
        this.ctx = ctx;
        this.sessionId = sessionId;
        this.channel = channel;
        this.assistant = assistant;
        this.teaching = teaching;
        this.stats = stats;
        this.flow = new FrameFlow(
                ctx.gateway().inflight(),
                ctx.gateway().maxFrameBytes(),
                maxFps,
                ctx.maxPixels(),
                limits,
                addressKey,
                ctx.frameMemory());
        this.limits = limits;
        this.user = user;
        this.addressKey = addressKey;
        this.gestures =
                new GestureEvents(ctx.gateway().holdFrames(), ctx.gateway().holdMs());
        this.model = ctx.model();
        this.maxHands = ctx.maxHands();
    }

    ModelVariant model() {
        return model;
    }

    int maxHands() {
        return maxHands;
    }

    /** Whether the session keeps its model under load (and is shed instead). */
    boolean fixedQuality() {
        return fixedQuality;
    }

    /** New settings for the frames to come; tracking starts over, on the model asked for. */
    void configure(ModelVariant model, int maxHands, boolean fixedQuality) {
        this.model = model;
        this.maxHands = maxHands;
        this.fixedQuality = fixedQuality;
        tracking = TrackingState.NONE;
        rung = Rung.AS_ASKED;
    }

    void onBinary(Buffer message, long nowMs) {
        ctx.metrics().frameReceived();
        stats.received();
        FrameFlow.Admission admission = flow.admit(message, System.nanoTime(), nowMs);
        if (admission instanceof FrameFlow.Dispatch d) {
            dispatch(d.arrival());
        } else if (admission instanceof FrameFlow.Wait w && w.superseded() != null) {
            tell(DropReason.SUPERSEDED, w.superseded());
        } else if (admission instanceof FrameFlow.Refuse r) {
            tell(r.reason(), r.notice());
        }
    }

    private void dispatch(FrameFlow.Arrival arrival) {
        ctx.metrics().pendingFrames().incrementAndGet();
        ClientFrame f = arrival.frame();
        FrameTask task = new FrameTask(
                sessionId,
                f.sequence(),
                f.captureTs(),
                System.currentTimeMillis(),
                ctx.inference().deadlineFromNow(),
                model,
                rung,
                fixedQuality,
                maxHands,
                teaching.freshSearchDue() ? TrackingState.NONE : tracking,
                f.image());
        ctx.inference().submit(task).onSuccess(outcome -> onOutcome(arrival, outcome));
    }

    private void onOutcome(FrameFlow.Arrival arrival, InferenceOutcome outcome) {
        ctx.metrics().pendingFrames().decrementAndGet();
        FrameFlow.Refuse refused = flow.settle(arrival, outcome);
        if (flow.closed()) {
            return;
        }
        if (refused == null) {
            deliver(arrival, ((InferenceOutcome.Answered) outcome).answer());
        } else if (!flow.draining()) {
            tell(refused.reason(), refused.notice());
        }
        // Draining, this is the call that ends the drain once nothing is in flight.
        FrameFlow.Arrival next = flow.next();
        if (next != null) {
            dispatch(next);
        }
    }

    private void deliver(FrameFlow.Arrival arrival, FrameAnswer answer) {
        tracking = answer.tracking();
        rung = answer.rung();
        double serverMs = (System.nanoTime() - arrival.receivedNanos()) / 1e6;
        ctx.metrics().stage("server", answer.worker(), serverMs);
        stats.answered(serverMs, answer.rung().degraded());
        ClientFrame f = arrival.frame();
        List<HandGesture> shown = teaching.label(answer.hands());
        if (!channel.send(ServerMessages.hands(
                f.sequence(),
                f.captureTs(),
                answer.width(),
                answer.height(),
                answer.hands(),
                shown,
                answer.model(),
                answer.rung().level(),
                answer.queueMs(),
                answer.timings().totalMs(),
                serverMs,
                ctx.nodeConfig().forClients(answer.worker())))) {
            drop(DropReason.CLIENT_SLOW); // the next answer supersedes it
        }
        teaching.onAnswer(answer.hands());
        assistant.onFrame(f.image());
        long now = System.currentTimeMillis();
        for (GestureEvents.Event g : gestures.observe(answer.hands(), shown, now)) {
            channel.send(ServerMessages.gesture(g.name(), g.hand(), g.since()));
            EventLog.record(
                    ctx.vertx(),
                    EventLog.GESTURES,
                    sessionId,
                    new JsonObject()
                            .put("name", g.name())
                            .put("hand", g.hand())
                            .put("since", g.since())
                            .put("kind", g.kind()));
            if (assistant.onGesture(g.name(), g.hand(), now)) {
                // An answer to a gesture counts against the session's question limits as a typed question does.
                limits.ask(user, addressKey).onSuccess(retryAfterMs -> {
                    if (retryAfterMs == 0) {
                        assistant.askAbout(g.name(), g.hand());
                    }
                });
            }
        }
    }

    /** Takes no new frames; completes once those with inference are answered (or the session closed). */
    Future<Void> drain() {
        return flow.drain();
    }

    /** The session is over: what still comes back from inference is not delivered; a waiting frame is dropped. */
    void close() {
        DropReason waiting = flow.close();
        if (waiting != null) {
            drop(waiting);
        }
    }

    /** Whether the session is over. */
    boolean closed() {
        return flow.closed();
    }

    /** Counts the drop and tells the client, where there is a notice to tell. */
    private void tell(DropReason reason, FrameNotice notice) {
        drop(reason);
        if (notice != null) {
            channel.send(ServerMessages.notice(notice));
        }
    }

    private void drop(DropReason reason) {
        stats.dropped();
        ctx.metrics().frameDropped(reason);
    }
}

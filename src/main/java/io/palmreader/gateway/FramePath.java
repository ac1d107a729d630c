package io.palmreader.gateway;

import io.palmreader.assistant.AssistantClient;
import io.palmreader.eventlog.EventLog;
import io.palmreader.gesture.GestureEvents;
import io.palmreader.gesture.HandGesture;
import io.palmreader.inference.FrameAnswer;
import io.palmreader.inference.FrameTask;
import io.palmreader.inference.InferenceOutcome;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A session's frames, from the socket to their answers: admitted by {@link FrameFlow}, sent through the
 * {@code InferenceClient}, answered as {@code hands} with the gestures they make, or refused with a notice.
 * On the session's event loop.
 */
final class FramePath {

  private final SessionContext ctx;
  private final String sessionId;
  private final ClientChannel channel;
  private final AssistantClient assistant;
  private final GestureTeaching teaching;
  private final SessionStats stats;
  private final BooleanSupplier draining;
  private final BooleanSupplier closed;
  private final Runnable drained;
  private final FrameFlow flow;
  private final SharedLimits limits;
  private final String user;
  private final String addressKey;
  private final GestureEvents gestures;
  private ModelVariant model;
  private int maxHands;
  private TrackingState tracking = TrackingState.NONE;

  /**
   * @param draining whether the session is finishing the frames in flight before it closes (it takes no new ones)
   * @param closed   whether the session is over
   * @param drained  called when, draining, the last frame in flight is settled
   * @param user     who the session's questions count against ({@link SessionGrant#user})
   * @param addressKey the client's address as its limits count it ({@link AddressKey})
   */
  FramePath(SessionContext ctx, String sessionId, ClientChannel channel, AssistantClient assistant,
            GestureTeaching teaching, SessionStats stats, BooleanSupplier draining, BooleanSupplier closed, Runnable drained, int maxFps, SharedLimits limits,
            String user, String addressKey) {
    this.ctx = ctx;
    this.sessionId = sessionId;
    this.channel = channel;
    this.assistant = assistant;
    this.teaching = teaching;
    this.stats = stats;
    this.draining = draining;
    this.closed = closed;
    this.drained = drained;
    this.flow = new FrameFlow(ctx.gateway().inflight(), ctx.gateway().maxFrameBytes(), maxFps, ctx.maxPixels(), limits,
        addressKey, ctx.frameMemory());
    this.limits = limits;
    this.user = user;
    this.addressKey = addressKey;
    this.gestures = new GestureEvents(ctx.gateway().holdFrames(), ctx.gateway().holdMs());
    this.model = ctx.model();
    this.maxHands = ctx.maxHands();
  }

  ModelVariant model() {
    return model;
  }

  int maxHands() {
    return maxHands;
  }

  /** New settings for the frames to come; tracking starts over. */
  void configure(ModelVariant model, int maxHands) {
    this.model = model;
    this.maxHands = maxHands;
    tracking = TrackingState.NONE;
  }

  void onBinary(Buffer message, long nowMs) {
    ctx.metrics().frameReceived();
    stats.received();
    if (draining.getAsBoolean()) {
      drop(DropReason.SHUTTING_DOWN);
      return;
    }
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
    FrameTask task = new FrameTask(sessionId, f.sequence(), f.captureTs(), System.currentTimeMillis(),
        ctx.inference().deadlineFromNow(), model, maxHands, teaching.freshSearchDue() ? TrackingState.NONE : tracking,
        f.image());
    ctx.inference().submit(task).onSuccess(outcome -> onOutcome(arrival, outcome));
  }

  private void onOutcome(FrameFlow.Arrival arrival, InferenceOutcome outcome) {
    ctx.metrics().pendingFrames().decrementAndGet();
    FrameFlow.Refuse refused = flow.settle(arrival, outcome);
    if (closed.getAsBoolean()) {
      return;
    }
    if (refused == null) {
      deliver(arrival, ((InferenceOutcome.Answered) outcome).answer());
    } else if (!draining.getAsBoolean()) {
      tell(refused.reason(), refused.notice());
    }
    if (draining.getAsBoolean()) {
      if (flow.idle()) {
        drained.run();
      }
      return;
    }
    FrameFlow.Arrival next = flow.next();
    if (next != null) {
      dispatch(next);
    }
  }

  private void deliver(FrameFlow.Arrival arrival, FrameAnswer answer) {
    tracking = answer.tracking();
    double serverMs = (System.nanoTime() - arrival.receivedNanos()) / 1e6;
    ctx.metrics().stage("server", answer.worker(), serverMs);
    stats.answered(serverMs);
    ClientFrame f = arrival.frame();
    List<HandGesture> shown = teaching.label(answer.hands());
    if (!channel.send(ServerMessages.hands(f.sequence(), f.captureTs(), answer.width(), answer.height(),
        answer.hands(), shown, answer.queueMs(), answer.timings().totalMs(), serverMs,
        ctx.nodeConfig().forClients(answer.worker())))) {
      drop(DropReason.CLIENT_SLOW); // the next answer supersedes it
    }
    teaching.onAnswer(answer.hands());
    assistant.onFrame(f.image());
    long now = System.currentTimeMillis();
    for (GestureEvents.Event g : gestures.observe(answer.hands(), shown, now)) {
      channel.send(ServerMessages.gesture(g.name(), g.hand(), g.since()));
      EventLog.record(ctx.vertx(), EventLog.GESTURES, sessionId, new JsonObject().put("name", g.name())
          .put("hand", g.hand()).put("since", g.since()).put("kind", g.kind()));
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

  /** Whether no frame is with inference. */
  boolean idle() {
    return flow.idle();
  }

  /** Forgets the waiting frame: the session is closing ({@code closing}, counted) or draining. */
  void discardWaiting(boolean closing) {
    if (flow.discardWaiting() && closing) {
      drop(DropReason.SESSION_CLOSED);
    }
  }

  private void tell(DropReason reason, FrameNotice notice) {
    drop(reason);
    channel.send(ServerMessages.notice(notice));
  }

  private void drop(DropReason reason) {
    stats.dropped();
    ctx.metrics().frameDropped(reason);
  }
}

package io.palmreader.gateway;

import io.palmreader.assistant.AssistantClient;
import io.palmreader.eventlog.EventLog;
import io.palmreader.observability.SessionInLogs;
import io.palmreader.protocol.ClientChannel;
import io.palmreader.protocol.ClientMessageType;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ProtocolException;
import io.palmreader.protocol.ServerMessages;
import io.palmreader.session.AskRequest;
import io.palmreader.session.HelloRequest;
import io.palmreader.session.SessionRecords;
import io.palmreader.session.SessionStats;
import io.palmreader.session.SharedLimits;
import io.palmreader.session.TokenBucket;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * One WebSocket connection, one session, on its gateway's event loop: a thin adapter from the socket to the session's
 * parts. Frames go down the {@link FramePath} into the session's mailbox, which owns whether the session is draining
 * or closed (the parts ask it; none calls back into this class); text messages are read here ({@code hello},
 * {@code ask}, ...); questions and gestures go to the {@link AssistantClient}, whose events come back as {@code ai}
 * messages; everything the client is sent goes through its {@link ClientChannel}.
 */
final class ClientSession {

    private static final long REGISTRY_REFRESH_MS = 10_000;

    private final String id = UUID.randomUUID().toString();
    private final String resumeToken = UUID.randomUUID().toString();
    private final SessionContext ctx;
    private final ServerWebSocket socket;
    private final ClientChannel channel;
    private final String address;
    private final String addressKey;
    private final SessionGrant grant;
    private final String user;
    private final TokenDeadline deadline;
    private final SharedLimits limits;
    private final FramePath frames;
    private final AssistantClient assistant;
    private final GestureTeaching teaching;
    private final SessionRecords records;
    private final SessionStats stats = new SessionStats(System.nanoTime());
    private final TokenBucket textRate;
    private final long createdMs = System.currentTimeMillis();
    private final int maxFps;
    private long lastActivityMs = createdMs;
    private Runnable onEnd = () -> {};
    private long[] timers = {};

    /**
     * @param address the client's address (behind trusted proxies, the one they forwarded)
     * @param grant   who the client is and what its token allows
     * @param tokens  the node's token verifier for renewals by {@code hello}, or null without authentication
     */
    ClientSession(
            SessionContext ctx,
            ServerWebSocket socket,
            String address,
            SessionGrant grant,
            int maxFps,
            SharedLimits limits,
            TokenVerifier tokens) {
        this.ctx = ctx;
        this.socket = socket;
        this.channel = new ClientChannel(socket);
        this.address = address;
        this.addressKey = AddressKey.of(address);
        this.grant = grant;
        this.user = grant.user(id);
        this.deadline = new TokenDeadline(ctx.vertx(), tokens, grant, this::closeForExpiry);
        this.textRate = new TokenBucket(ctx.gateway().maxTextPerSecond());
        this.limits = limits;
        this.maxFps = maxFps;
        this.assistant = new AssistantClient(
                ctx.vertx(),
                id,
                grant.subject(),
                ctx.assistant(),
                e -> channel.send(e.toWire(ctx.nodeConfig().exposeNodeNames())));
        this.records = new SessionRecords(
                ctx.store(), id, ctx.node(), createdMs, ctx.gateway().resumeTtlMs());
        // With authentication a user is the token's subject; without, an identity this session hands on to the sessions
        // that resume it.
        this.teaching = new GestureTeaching(
                ctx,
                id,
                channel,
                grant.subject() != null ? "subject:" + grant.subject() : "session:" + UUID.randomUUID(),
                grant);
        this.frames = new FramePath(ctx, id, channel, assistant, teaching, stats, maxFps, limits, user, addressKey);
    }

    String id() {
        return id;
    }

    /** Runs once when the session ends, however it ends. */
    void onEnd(Runnable action) {
        onEnd = action;
    }

    void start() {
        ctx.metrics().sessions().incrementAndGet();
        socket.binaryMessageHandler(b -> SessionInLogs.run(id, () -> {
            lastActivityMs = System.currentTimeMillis();
            frames.onBinary(b, lastActivityMs);
        }));
        socket.textMessageHandler(t -> SessionInLogs.run(id, () -> onText(t)));
        socket.exceptionHandler(this::onSocketError);
        socket.closeHandler(v -> onClosed());
        teaching.load(teaching.owner()).onSuccess(v -> channel.send(welcome(false)));
        EventLog.record(
                ctx.vertx(),
                EventLog.SESSIONS,
                id,
                new JsonObject()
                        .put("event", "opened")
                        .put("node", ctx.node())
                        .put("address", ctx.eventLog().recordedAddress(address)));
        records.save(resumeToken, resume(), lastActivityMs);
        assistant.start();
        deadline.start();
        timers = new long[] {
            ctx.vertx().setPeriodic(ctx.gateway().statsIntervalMs(), t -> sendStats()),
            ctx.vertx().setPeriodic(Math.max(250, ctx.gateway().idleTimeoutMs() / 4), t -> closeIfIdle()),
            ctx.vertx()
                    .setPeriodic(REGISTRY_REFRESH_MS, t -> records.register(assistant.conversationId(), lastActivityMs))
        };
    }

    /**
     * Ends the session for a node shutdown: no new frames are taken, those with inference are answered (or time out),
     * then the client is told to reconnect, which the web client does with its resume token, to any node.
     */
    Future<Void> drain() {
        return frames.drain().andThen(v -> closeForShutdown());
    }

    /** Tells the client to reconnect and ends the session now, whatever is in flight. */
    void closeForShutdown() {
        channel.close((short) 1001, "server restarting: reconnect with your resumeToken");
        onClosed();
    }

    /** The token's {@code exp} passed and no {@code hello} brought a fresh one. */
    private void closeForExpiry() {
        refuse(ConnectionRefusal.TOKEN_EXPIRED, null);
    }

    /** Vert.x drops a message beyond the socket's limit as it arrives and reports it here: the client is closed (1009). */
    private void onSocketError(Throwable e) {
        if (String.valueOf(e.getMessage()).contains("max message size")) {
            ctx.metrics().messageRefused(MessageRefusal.TOO_LARGE_FOR_SOCKET);
            channel.close(
                    MessageRefusal.TOO_LARGE_STATUS,
                    MessageRefusal.TOO_LARGE_FOR_SOCKET.text(ctx.gateway().maxFrameBytes()));
        }
    }

    private JsonObject welcome(boolean resumed) {
        GatewayConfig g = ctx.gateway();
        ServerMessages.Limits limits = new ServerMessages.Limits(
                g.inflight(),
                g.maxFrameBytes(),
                maxFps,
                g.idleTimeoutMs(),
                frames.maxHands(),
                frames.model(),
                frames.fixedQuality(),
                g.maxTextBytes());
        return ServerMessages.welcome(id, resumeToken, resumed, limits, ctx.capabilities(), teaching.entries());
    }

    private SessionRecords.Resume resume() {
        return new SessionRecords.Resume(
                grant.subject(),
                teaching.owner(),
                assistant.conversationId(),
                frames.model(),
                frames.maxHands(),
                assistant.enabled(),
                assistant.attachFrame(),
                frames.fixedQuality());
    }

    /** The owner's taught gestures changed on another connection ({@code owner}: its store key). */
    void onTaughtGesturesChanged(String owner, String bySession) {
        if (!frames.closed() && !id.equals(bySession) && teaching.owns(owner)) {
            teaching.reload();
        }
    }

    /** A text message, also one that reached the gateway before the session existed (an authenticating hello). */
    void onText(String text) {
        lastActivityMs = System.currentTimeMillis();
        try {
            if (!textRate.tryAcquire(System.nanoTime())) {
                // hello, stop and questions each reach the store or the cluster: a flood of them is cut at the socket.
                throw refused(MessageRefusal.TEXT_RATE, ctx.gateway().maxTextPerSecond());
            }
            if (text.length() > ctx.gateway().maxTextBytes()) {
                throw refused(MessageRefusal.TEXT_TOO_LARGE, ctx.gateway().maxTextBytes());
            }
            JsonObject message = parse(text);
            switch (ClientMessageType.of(message.getValue("type"))) {
                case HELLO, CONFIG -> onHello(message);
                case PING -> channel.send(ServerMessages.pong(System.currentTimeMillis()));
                case ASK -> onAsk(message.getValue("text"));
                case STOP -> assistant.stop();
                case TEACH -> teaching.teach(message, System.currentTimeMillis());
                case FORGET -> teaching.forget(message);
            }
        } catch (ProtocolException e) {
            channel.send(ServerMessages.error(e.code(), e.getMessage(), false));
        }
    }

    private JsonObject parse(String text) {
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw refused(MessageRefusal.BAD_MESSAGE);
        }
    }

    /** Counts the refusal and makes it the {@code error} the client is sent. */
    private ProtocolException refused(MessageRefusal refusal, Object... limit) {
        ctx.metrics().messageRefused(refusal);
        return refusal.toError(limit);
    }

    /** Closes the connection for {@code refusal} (with {@code detail} where the refusal has no reason of its own). */
    private void refuse(ConnectionRefusal refusal, String detail) {
        ctx.metrics().connectionRefused(refusal);
        channel.close(ConnectionRefusal.CLOSE_STATUS, refusal.closeReason(detail));
        onClosed();
    }

    /** A {@code hello} with a {@code token} renews the session's token first; one the node refuses ends the session. */
    private void onHello(JsonObject message) {
        if (!(message.getValue("token") instanceof String token)) {
            configure(HelloRequest.parse(message, ctx.maxHands()));
            return;
        }
        deadline.renew(token).onComplete(renewed -> {
            if (frames.closed()) {
                return;
            }
            if (renewed.failed()) {
                refuse(ConnectionRefusal.UNAUTHENTICATED, renewed.cause().getMessage());
                return;
            }
            try {
                configure(HelloRequest.parse(message, ctx.maxHands()));
            } catch (ProtocolException e) {
                channel.send(ServerMessages.error(e.code(), e.getMessage(), false));
            }
        });
    }

    private void configure(HelloRequest hello) {
        frames.configure(
                hello.model() != null ? hello.model() : frames.model(),
                hello.maxHands() != null ? hello.maxHands() : frames.maxHands(),
                hello.fixedQuality() != null ? hello.fixedQuality() : frames.fixedQuality());
        assistant.configure(hello.assistant(), hello.attachFrame());
        if (hello.resume() == null) {
            records.save(resumeToken, resume(), lastActivityMs);
            teaching.loaded().onSuccess(v -> channel.send(welcome(false)));
            return;
        }
        records.take(hello.resume(), grant.subject(), frames.model(), frames.maxHands())
                .onSuccess(resumed -> {
                    if (resumed == null) {
                        channel.send(ServerMessages.error(
                                ErrorCode.BAD_MESSAGE,
                                "resume token unknown or expired; this is a new " + "session",
                                false));
                        return;
                    }
                    frames.configure(
                            resumed.model(), Math.min(ctx.maxHands(), resumed.maxHands()), resumed.fixedQuality());
                    assistant.configure(resumed.assistant(), resumed.attachFrame());
                    assistant.continueConversation(resumed.conversationId());
                    Future<Void> owned = resumed.owner() != null && grant.subject() == null
                            ? teaching.load(resumed.owner())
                            : teaching.loaded();
                    owned.onSuccess(v -> {
                        records.save(resumeToken, resume(), lastActivityMs);
                        channel.send(welcome(true));
                    });
                });
    }

    private void onAsk(Object text) {
        String question = AskRequest.question(text, assistant.enabled());
        limits.ask(user, addressKey).onSuccess(retryAfterMs -> {
            if (retryAfterMs == 0) {
                assistant.ask(question);
            } else {
                channel.send(ServerMessages.questionLimited(
                        "too many questions; try again in " + (retryAfterMs + 999) / 1000 + " s", retryAfterMs));
            }
        });
    }

    private void sendStats() {
        SessionStats.Interval i = stats.interval(System.nanoTime());
        channel.send(ServerMessages.stats(i.fpsIn(), i.fpsOut(), i.dropped(), i.degraded(), i.p50Ms()));
    }

    private void closeIfIdle() {
        if (System.currentTimeMillis() - lastActivityMs > ctx.gateway().idleTimeoutMs()) {
            channel.close((short) 1001, "idle");
            onClosed();
        }
    }

    /** Ends the session once, however it ends: the mailbox is closed first, so every part sees it over from here on. */
    private void onClosed() {
        if (frames.closed()) {
            return;
        }
        channel.closed();
        frames.close(); // a drain in progress ends here; its closeForShutdown finds the session closed

        for (long timer : timers) {
            ctx.vertx().cancelTimer(timer);
        }
        deadline.stop();
        ctx.metrics().sessions().decrementAndGet();
        records.refresh(resumeToken, resume(), lastActivityMs); // its time to live counts from now
        EventLog.record(
                ctx.vertx(),
                EventLog.SESSIONS,
                id,
                new JsonObject()
                        .put("event", "closed")
                        .put("node", ctx.node())
                        .put("durationMs", System.currentTimeMillis() - createdMs)
                        .put("dropped", stats.droppedSoFar()));
        assistant.close();
        teaching.close();
        onEnd.run();
    }
}

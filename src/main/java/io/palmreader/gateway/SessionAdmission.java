package io.palmreader.gateway;

import io.palmreader.observability.PalmreaderMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Who gets a session: decides on each WebSocket upgrade before it happens (path, draining, origin, token when one is
 * on the request, the node's session limits), and gives a connection whose upgrade carried no token
 * {@code auth.helloTimeoutMs} to send a {@code hello} with one. Refusals are HTTP statuses before the upgrade, or
 * close 1008 with the reason after it, counted by reason.
 */
final class SessionAdmission {

    /** Starts the session of an admitted socket from {@code address}; {@code release} frees its slot when it ends. */
    interface Opener {
        ClientSession open(ServerWebSocket socket, SessionGrant grant, String address, Runnable release);
    }

    private final Vertx vertx;
    private final AccessConfig access;
    private final TokenVerifier tokens;
    private final ConnectionCounts connections;
    private final ClientAddress clientAddress;
    private final PalmreaderMetrics metrics;
    private final int maxTextBytes;
    private final Opener opener;
    private boolean draining;

    SessionAdmission(
            Vertx vertx,
            AccessConfig access,
            TokenVerifier tokens,
            ConnectionCounts connections,
            PalmreaderMetrics metrics,
            int maxTextBytes,
            Opener opener) {
        this.vertx = vertx;
        this.access = access;
        this.tokens = tokens;
        this.connections = connections;
        this.clientAddress = new ClientAddress(access.trustedProxies());
        this.metrics = metrics;
        this.maxTextBytes = maxTextBytes;
        this.opener = opener;
    }

    /** From now on upgrades are refused: the node is stopping. */
    void drain() {
        draining = true;
    }

    void onHandshake(ServerWebSocketHandshake handshake) {
        if (!"/ws".equals(handshake.path())) {
            refuse(handshake, ConnectionRefusal.PATH);
        } else if (draining) {
            refuse(handshake, ConnectionRefusal.DRAINING);
        } else if (!access.originAllowed(handshake.headers().get("Origin"))) {
            refuse(handshake, ConnectionRefusal.ORIGIN);
        } else if (tokens == null) {
            admit(handshake, SessionGrant.ANONYMOUS);
        } else if (tokens.refusedUrlToken(handshake.query())) {
            refuse(handshake, ConnectionRefusal.UNAUTHENTICATED);
        } else {
            String token = tokens.tokenOf(handshake.headers(), handshake.query());
            if (token == null) {
                admit(handshake, null); // the first message must be a hello carrying the token
            } else {
                tokens.verify(token).onComplete(ar -> {
                    if (ar.succeeded()) {
                        admit(handshake, ar.result());
                    } else {
                        refuse(handshake, ConnectionRefusal.UNAUTHENTICATED);
                    }
                });
            }
        }
    }

    private void refuse(ServerWebSocketHandshake handshake, ConnectionRefusal reason) {
        metrics.connectionRefused(reason);
        handshake.reject(reason.status());
    }

    /**
     * Counts the session against the node's limits and upgrades. A connection still to authenticate by {@code hello}
     * ({@code grant} null) counts against its own small caps, per node and per address, and against its address's
     * sessions only once it has a token. Addresses count by their {@link AddressKey}.
     */
    private void admit(ServerWebSocketHandshake handshake, SessionGrant grant) {
        String address = clientAddress.of(
                handshake.remoteAddress() == null
                        ? null
                        : handshake.remoteAddress().host(),
                handshake.headers());
        String key = AddressKey.of(address);
        if (grant == null) {
            ConnectionRefusal pending = connections.admitUnauthenticated(
                    key, access.maxUnauthenticated(), access.maxUnauthenticatedPerAddress());
            if (pending != null) {
                refuse(handshake, pending);
                return;
            }
            handshake.accept().onComplete(ar -> {
                if (ar.failed()) {
                    connections.releaseUnauthenticated(key);
                } else {
                    awaitHelloToken(ar.result(), address, key);
                }
            });
            return;
        }
        ConnectionRefusal refusal = connections.admit(key, access.maxSessions(), access.maxSessionsPerAddress());
        if (refusal != null) {
            refuse(handshake, refusal);
            return;
        }
        Runnable release = releaser(key);
        handshake.accept().onComplete(ar -> {
            if (ar.failed()) {
                release.run();
            } else {
                opener.open(ar.result(), grant, address, release);
            }
        });
    }

    /** Frees the session slot of the address keyed {@code key}, once. */
    private Runnable releaser(String key) {
        boolean[] released = {false};
        return () -> {
            if (!released[0]) {
                released[0] = true;
                connections.release(key);
            }
        };
    }

    /** Anything but a {@code hello} with a valid token first, or silence, closes the connection with 1008. */
    private void awaitHelloToken(ServerWebSocket socket, String address, String key) {
        boolean[] pending = {true};
        Runnable settle = () -> {
            if (pending[0]) {
                pending[0] = false;
                connections.releaseUnauthenticated(key);
            }
        };
        long timer = vertx.setTimer(
                access.helloTimeoutMs(),
                t -> closeUnauthenticated(socket, settle, "authentication required: send a hello with your token"));
        socket.closeHandler(v -> {
            vertx.cancelTimer(timer);
            settle.run();
        });
        socket.binaryMessageHandler(b -> {
            vertx.cancelTimer(timer);
            closeUnauthenticated(socket, settle, "authentication required before frames");
        });
        socket.textMessageHandler(text -> {
            vertx.cancelTimer(timer);
            socket.textMessageHandler(null);
            socket.binaryMessageHandler(null);
            JsonObject hello = text.length() <= maxTextBytes ? parseObject(text) : null;
            if (hello == null
                    || !"hello".equals(hello.getValue("type"))
                    || !(hello.getValue("token") instanceof String t)) {
                closeUnauthenticated(
                        socket, settle, "authentication required: the first message must be a hello with a token");
                return;
            }
            tokens.verify(t).onComplete(ar -> {
                if (ar.failed()) {
                    closeUnauthenticated(socket, settle, ar.cause().getMessage());
                    return;
                }
                settle.run();
                ConnectionRefusal refusal =
                        connections.admit(key, access.maxSessions(), access.maxSessionsPerAddress());
                if (refusal != null) {
                    metrics.connectionRefused(refusal);
                    socket.close(ConnectionRefusal.CLOSE_STATUS, refusal.closeReason(null));
                    return;
                }
                hello.remove("token");
                opener.open(socket, ar.result(), address, releaser(key)).onText(hello.encode());
            });
        });
    }

    private static JsonObject parseObject(String text) {
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    private void closeUnauthenticated(ServerWebSocket socket, Runnable settle, String reason) {
        metrics.connectionRefused(ConnectionRefusal.UNAUTHENTICATED);
        socket.close(ConnectionRefusal.CLOSE_STATUS, ConnectionRefusal.UNAUTHENTICATED.closeReason(reason));
        settle.run();
    }
}

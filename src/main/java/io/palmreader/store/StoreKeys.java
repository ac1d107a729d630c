package io.palmreader.store;

import io.palmreader.config.Sha256;

/** Key patterns in the shared store (Redis), in one place. */
public final class StoreKeys {

    private StoreKeys() {}

    /** A resume token → the session record it restores. */
    public static String resume(String token) {
        return "palmreader:resume:" + token;
    }

    /** The session registry: a session id → {@code {node, created, lastSeen}}. */
    public static String session(String sessionId) {
        return "palmreader:session:" + sessionId;
    }

    /** A session's conversation: a list of JSON messages. */
    public static String history(String conversationId) {
        return "palmreader:history:" + conversationId;
    }

    /** A rate limit's token bucket: {@code what} (asks, frames), {@code who} (ip), its id. */
    public static String rate(String what, String who, String id) {
        return "palmreader:rate:" + what + ":" + who + ":" + id;
    }

    /**
     * A user's rate-limit token bucket ({@code what}: asks), under a digest of who the user is ({@code subject:…} or
     * {@code session:…}), as taught gestures are: keys never show a token's subject.
     */
    public static String userRate(String what, String user) {
        return rate(what, "user", Sha256.hex(user));
    }

    /** A cached answer, by prompt hash. */
    public static String answer(String hash) {
        return "palmreader:answer:" + hash;
    }

    /** A user's taught gestures, under a digest of who the user is: keys never show a token's subject. */
    public static String taughtGestures(String owner) {
        return "palmreader:gestures:" + Sha256.hex(owner);
    }
}

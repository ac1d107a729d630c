package io.palmreader.session;

import io.palmreader.store.KeyValueStore;
import io.palmreader.store.StoreKeys;
import io.palmreader.vision.ModelVariant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What the shared store keeps about one session, so that any node can pick it up: the record a reconnecting client
 * resumes with its token (conversation and settings), and the registry entry saying where the session lives. A
 * resume record belongs to the token's subject (with authentication on) and serves once: resuming takes it, and the
 * new session's {@code welcome} carries a new token. It is written again when the session ends, so that its time to
 * live counts from the disconnect. Writes go one after the other: pooled connections could otherwise land an older
 * record last.
 */
public final class SessionRecords {

    /**
     * What a resumed session gets back.
     *
     * @param owner who the session's taught gestures belong to (without authentication, an identity handed on from
     *              session to session by this record)
     */
    public record Resume(
            String subject,
            String owner,
            String conversationId,
            ModelVariant model,
            int maxHands,
            boolean assistant,
            boolean attachFrame,
            boolean fixedQuality) {

        JsonObject toJson() {
            return new JsonObject()
                    .put("subject", subject)
                    .put("owner", owner)
                    .put("conversationId", conversationId)
                    .put("model", model.id())
                    .put("maxHands", maxHands)
                    .put("assistant", assistant)
                    .put("attachFrame", attachFrame)
                    .put("fixedQuality", fixedQuality);
        }

        static Resume fromJson(JsonObject json, ModelVariant model, int maxHands) {
            return new Resume(
                    json.getString("subject"),
                    json.getString("owner"),
                    json.getString("conversationId"),
                    ModelVariant.parse(json.getString("model", model.id())),
                    json.getInteger("maxHands", maxHands),
                    json.getBoolean("assistant", true),
                    json.getBoolean("attachFrame", false),
                    json.getBoolean("fixedQuality", false));
        }
    }

    private final KeyValueStore store;
    private final String sessionId;
    private final String node;
    private final long createdMs;
    private final long ttlMs;
    private Future<Void> saving = Future.succeededFuture();

    /** @param ttlMs how long a record outlives its last write ({@code session.resumeTtlMs}) */
    public SessionRecords(KeyValueStore store, String sessionId, String node, long createdMs, long ttlMs) {
        this.store = store;
        this.sessionId = sessionId;
        this.node = node;
        this.createdMs = createdMs;
        this.ttlMs = ttlMs;
    }

    /** Saves what token {@code resumeToken} gives back, and the registry entry with it. */
    public void save(String resumeToken, Resume resume, long lastSeenMs) {
        String record = resume.toJson().encode();
        saving = saving.transform(v -> store.set(StoreKeys.resume(resumeToken), record, ttlMs));
        register(resume.conversationId(), lastSeenMs);
    }

    /**
     * Writes the resume record again as the session ends, so that its time to live counts from the disconnect; a
     * record already taken by a resume is not brought back.
     */
    public void refresh(String resumeToken, Resume resume, long lastSeenMs) {
        String record = resume.toJson().encode();
        saving = saving.transform(v -> store.replace(StoreKeys.resume(resumeToken), record, ttlMs));
        register(resume.conversationId(), lastSeenMs);
    }

    /** Refreshes the registry entry other nodes can see: where this session lives and when it was last heard from. */
    public void register(String conversationId, long lastSeenMs) {
        String entry = new JsonObject()
                .put("node", node)
                .put("created", createdMs)
                .put("lastSeen", lastSeenMs)
                .put("conversationId", conversationId)
                .encode();
        saving = saving.transform(v -> store.set(StoreKeys.session(sessionId), entry, ttlMs));
    }

    /**
     * Takes what {@code token} resumes for {@code subject} (null without authentication), or null when it is unknown,
     * used, expired, another subject's (or the store cannot say).
     */
    public Future<Resume> take(String token, String subject, ModelVariant model, int maxHands) {
        return store.take(StoreKeys.resume(token))
                .map(json -> json == null ? null : Resume.fromJson(new JsonObject(json), model, maxHands))
                .map(r -> r != null && java.util.Objects.equals(r.subject(), subject) ? r : null)
                .otherwise((Resume) null);
    }
}

package io.palmreader.assistant;

import io.palmreader.eventlog.EventLog;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.store.KeyValueStore;
import io.palmreader.store.StoreKeys;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an ended answer leaves behind, as its {@link AnswerStream.End} says: the answer metrics, its event-log record,
 * the conversation's new messages, the cached text, and the last error for the assistant's status.
 */
final class AnswerRecords {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerRecords.class);

    private final Vertx vertx;
    private final AssistantConfig config;
    private final KeyValueStore store;
    private final PalmreaderMetrics metrics;
    private volatile String lastError;

    AnswerRecords(Vertx vertx, AssistantConfig config, KeyValueStore store, PalmreaderMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.store = store;
        this.metrics = metrics;
    }

    /** Keeps what the answer to {@code request}, cached under {@code cacheKey} (or null), ended with. */
    void keep(AssistantRequest request, String cacheKey, AnswerStream.End end) {
        metrics.answer(end.outcome());
        if (end.tokensPerSecond() != null) {
            metrics.tokensPerSecond(end.tokensPerSecond());
        }
        EventLog.record(vertx, EventLog.ANSWERS, request.sessionId(), end.record());
        if (!end.history().isEmpty()) {
            store.append(
                    StoreKeys.history(request.conversationId()),
                    end.history(),
                    Math.max(2, config.historyMessages()),
                    config.historyTtlMs());
        }
        if (end.cacheText() != null) {
            store.set(cacheKey, end.cacheText(), config.cacheTtlMs());
        }
        if (end.error() != null) {
            lastError = end.error();
            LOG.warn(
                    "assistant: answer {} for session {} failed: {}",
                    request.answerId(),
                    request.sessionId(),
                    end.error());
        }
    }

    /** The last failure's detail, for the assistant's status (never sent to clients), or null. */
    String lastError() {
        return lastError;
    }
}

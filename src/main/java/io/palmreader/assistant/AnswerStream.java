package io.palmreader.assistant;

import io.palmreader.config.Sha256;
import io.palmreader.protocol.ErrorCode;
import io.palmreader.store.StoreKeys;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleConsumer;
import java.util.function.LongSupplier;

/**
 * One answer on its way from Ollama to its session, with no I/O: what each piece of text sends (cut at
 * {@code assistant.maxAnswerChars}), where the answer is cached, what the conversation keeps of it, and how each
 * ending is told to the session, the event log and the operator. The answer's time to first token is measured on the
 * injected clock; whoever runs the answer does the sending, storing and logging that an {@link End} lists.
 */
final class AnswerStream {

    /**
     * What one piece of Ollama's text comes to.
     *
     * @param send           what the session gets, or null when the answer has already been cut
     * @param stopGenerating true once, when this piece reached the length limit: the rest is not wanted
     */
    record Piece(AssistantEvent.Delta send, boolean stopGenerating) {}

    /**
     * How an answer ended, and all that follows from it.
     *
     * @param ending          how it ended
     * @param code            why it failed, or null when it did not
     * @param events          what the session gets, in order
     * @param record          the event log's record of it (without the session id and time the event log adds)
     * @param history         what the conversation keeps (the user's turn, then the answer), or nothing
     * @param cacheText       what to cache under {@link #cacheKey()}, or null
     * @param tokensPerSecond Ollama's rate of generation when it completed the answer, else null
     * @param error           what went wrong, for the log and the assistant's health (it may name Ollama's address,
     *                        which the session is not told), or null
     */
    record End(
            AnswerEnding ending,
            ErrorCode code,
            List<AssistantEvent> events,
            JsonObject record,
            List<String> history,
            String cacheText,
            Double tokensPerSecond,
            String error) {

        /** The answer's outcome in the event log and the metrics: the ending, or the error code of a failure. */
        String outcome() {
            return code == null ? ending.wire() : code.wire();
        }
    }

    private final AssistantRequest request;
    private final String userText;
    private final JsonObject chatBody;
    private final String cacheKey;
    private final int maxAnswerChars;
    private final String model;
    private final String nodeId;
    private final int breakerResetMs;
    private final LongSupplier nanoClock;
    private final DoubleConsumer onFirstToken;
    private final DoubleConsumer onFirstThought;
    private final boolean streamReasoning;
    private boolean thought;
    private final long startedNanos;
    private double firstTokenMs = -1;
    private final StringBuilder sent = new StringBuilder();
    private boolean truncated;

    /**
     * Begins an answer to {@code request} now.
     *
     * @param past         the conversation so far, oldest first
     * @param nowMs        the wall clock, for how long ago each gesture was made
     * @param nanoClock    a monotonic clock in nanoseconds ({@link System#nanoTime()}), for the time to first token
     * @param onFirstToken told the time to first token, in milliseconds, when the first piece of answer arrives
     * @param onFirstThought told when a reasoning model's first thought arrives, in milliseconds
     */
    AnswerStream(
            AssistantConfig config,
            String nodeId,
            AssistantRequest request,
            List<JsonObject> past,
            long nowMs,
            LongSupplier nanoClock,
            DoubleConsumer onFirstToken,
            DoubleConsumer onFirstThought) {
        this.onFirstThought = onFirstThought;
        this.streamReasoning = config.streamReasoning();
        this.request = request;
        this.userText = PromptBuilder.userText(request, nowMs);
        this.chatBody = PromptBuilder.chatBody(config, past, request, nowMs);
        this.cacheKey = cacheKey(request, chatBody, config.cacheTtlMs());
        this.maxAnswerChars = config.maxAnswerChars();
        this.model = config.model();
        this.nodeId = nodeId;
        this.breakerResetMs = config.breakerResetMs();
        this.nanoClock = nanoClock;
        this.onFirstToken = onFirstToken;
        this.startedNanos = nanoClock.getAsLong();
    }

    AssistantRequest request() {
        return request;
    }

    /** The LLM server's chat body for this answer. */
    JsonObject chatBody() {
        return chatBody;
    }

    /**
     * Where this answer is cached, or null when it is not. Only text prompts are cached: the same words in the same
     * context get the same answer; a frame never repeats. A cached answer is its user's own: the key is a digest of the
     * token's subject with the prompt, and without authentication (no subject) nothing is cached at all, since a reply
     * marked {@code cached} would tell one anonymous client what another had asked.
     */
    String cacheKey() {
        return cacheKey;
    }

    private static String cacheKey(AssistantRequest request, JsonObject body, long cacheTtlMs) {
        if (request.image() != null || request.subject() == null || cacheTtlMs == 0) {
            return null;
        }
        // Encoded together as JSON: no subject and prompt can be spliced to read as another pair.
        return StoreKeys.answer(Sha256.hex(new JsonObject()
                .put("subject", request.subject())
                .put("chat", body)
                .encode()));
    }

    /** The next piece of Ollama's text. */
    Piece delta(String text) {
        if (truncated) {
            return new Piece(null, false);
        }
        if (firstTokenMs < 0) {
            firstTokenMs = (nanoClock.getAsLong() - startedNanos) / 1e6;
            onFirstToken.accept(firstTokenMs);
        }
        String piece = text;
        int room = maxAnswerChars - sent.length();
        if (piece.length() > room) {
            // The answer has reached its length limit: the rest is not wanted, so Ollama is to stop generating it.
            piece = piece.substring(0, Math.max(0, room));
            truncated = true;
        }
        sent.append(piece);
        return new Piece(new AssistantEvent.Delta(request.answerId(), piece, request.trigger()), truncated);
    }

    /**
     * The next piece of a reasoning model's thoughts: what the session gets of it with {@code assistant.reasoning=stream},
     * else nothing. It is never part of the answer, its history or its cache, and does not start the time to first
     * token.
     */
    Optional<AssistantEvent> thought(String text) {
        if (!thought) {
            thought = true;
            onFirstThought.accept((nanoClock.getAsLong() - startedNanos) / 1e6);
        }
        return streamReasoning && !truncated
                ? Optional.of(new AssistantEvent.Thought(request.answerId(), text, request.trigger()))
                : Optional.empty();
    }

    /** The answer was found in the cache: it is sent whole, and Ollama is not asked. */
    End cached(String text) {
        // Recorded before the text is sent: no token came from the model, so the record has no time to first token.
        JsonObject record = record(AnswerEnding.CACHED.wire(), text);
        AssistantEvent.Delta delta = delta(text).send();
        return new End(
                AnswerEnding.CACHED,
                null,
                List.of(
                        delta,
                        done(
                                AnswerEnding.CACHED,
                                null,
                                new JsonObject()
                                        .put("ttftMs", round(firstTokenMs))
                                        .put("cached", true))),
                record,
                history(text),
                null,
                null,
                null);
    }

    /** Ollama sent its last chunk, with its count of tokens and rate. */
    End completed(int tokens, double tokensPerSecond) {
        if (truncated) {
            return truncatedEnd();
        }
        String text = sent.toString();
        return new End(
                AnswerEnding.COMPLETED,
                null,
                List.of(done(
                        AnswerEnding.COMPLETED,
                        nodeId,
                        new JsonObject()
                                .put("ttftMs", round(firstTokenMs))
                                .put("tokens", tokens)
                                .put("tokensPerSec", round(tokensPerSecond)))),
                record(AnswerEnding.COMPLETED.wire(), text),
                history(text),
                cacheKey == null ? null : text,
                tokensPerSecond,
                null);
    }

    /** The session stopped the answer; what it had is not kept in the conversation. */
    End stopped() {
        if (truncated) {
            return truncatedEnd();
        }
        return new End(
                AnswerEnding.STOPPED,
                null,
                List.of(done(AnswerEnding.STOPPED, null, null)),
                record(AnswerEnding.STOPPED.wire(), sent.toString()),
                List.of(),
                null,
                null,
                null);
    }

    /** The circuit breaker is open: Ollama was not asked. */
    End paused() {
        return failure(
                ErrorCode.ASSISTANT_UNAVAILABLE,
                "the assistant is paused after repeated failures to reach Ollama; it tries again within "
                        + resetSeconds() + " s",
                "the assistant is paused after repeated failures; it tries again within " + resetSeconds() + " s");
    }

    /** The answer failed: an {@link AssistantFailure} keeps its code, anything else is an {@code assistant_error}. */
    End failed(Throwable failure) {
        if (failure instanceof AssistantFailure f) {
            return failure(f.code(), f.getMessage(), clientMessage(f.code()));
        }
        return failure(ErrorCode.ASSISTANT_ERROR, failure.getMessage(), clientMessage(ErrorCode.ASSISTANT_ERROR));
    }

    /** The client gets the code and a plain word on it; Ollama's own text, its address, go to the log only. */
    private static String clientMessage(ErrorCode code) {
        return switch (code) {
            case ASSISTANT_UNAVAILABLE -> "the assistant is unavailable; try again later";
            case ASSISTANT_BUSY -> "the assistant is busy; try again shortly";
            case MODEL_NOT_FOUND -> "the assistant's model is not installed on its server";
            case ASSISTANT_UNAUTHORIZED -> "the assistant's server refused its credentials; tell the operator";
            default -> "the assistant failed to answer";
        };
    }

    private End failure(ErrorCode code, String error, String clientMessage) {
        if (truncated) {
            return truncatedEnd();
        }
        String partial = sent.toString();
        return new End(
                AnswerEnding.FAILED,
                code,
                List.of(new AssistantEvent.Failed(request.answerId(), code, clientMessage, partial)),
                record(code.wire(), partial),
                List.of(),
                null,
                null,
                error);
    }

    /** Cut at the limit: what was sent is the answer, and the conversation keeps it. */
    private End truncatedEnd() {
        String text = sent.toString();
        return new End(
                AnswerEnding.TRUNCATED,
                null,
                List.of(done(AnswerEnding.TRUNCATED, nodeId, null)),
                record(AnswerEnding.TRUNCATED.wire(), text),
                history(text),
                null,
                null,
                null);
    }

    private long resetSeconds() {
        return breakerResetMs / 1000;
    }

    private AssistantEvent.Done done(AnswerEnding ending, String node, JsonObject stats) {
        return new AssistantEvent.Done(request.answerId(), request.trigger(), ending, node, stats);
    }

    /** The answer's record in the event log, whatever its outcome. */
    private JsonObject record(String outcome, String text) {
        return new JsonObject()
                .put("answerId", request.answerId())
                .put("trigger", request.trigger())
                .put("question", request.question())
                .put("answer", text)
                .put("model", model)
                .put("outcome", outcome)
                .put("ttftMs", firstTokenMs < 0 ? null : round(firstTokenMs));
    }

    /** The user's turn and the answer, as the conversation's next two messages. */
    private List<String> history(String answerText) {
        return List.of(
                new JsonObject().put("role", "user").put("content", userText).encode(),
                new JsonObject()
                        .put("role", "assistant")
                        .put("content", answerText)
                        .encode());
    }

    /** To a tenth. */
    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}

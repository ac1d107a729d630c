package io.palmreader.assistant;

import io.palmreader.protocol.ErrorCode;
import io.palmreader.protocol.ServerMessages;
import io.vertx.core.json.JsonObject;

/**
 * What a session hears from the assistant: pieces of an answer, its end, its failure, and whether the assistant can
 * answer at all. The first three travel over the event bus from
 * whichever node runs the answer (as JSON, see {@link #toJson()}); the session turns each into its wire message.
 */
public sealed interface AssistantEvent {

    /** The next piece of answer {@code answerId}. */
    record Delta(String answerId, String text, JsonObject trigger) implements AssistantEvent {}

    /** The next piece of a reasoning model's thoughts before or during answer {@code answerId}: not the answer. */
    record Thought(String answerId, String text, JsonObject trigger) implements AssistantEvent {}

    /**
     * Answer {@code answerId} is over.
     *
     * @param ending {@link AnswerEnding#COMPLETED}, {@code CACHED}, {@code STOPPED} or {@code TRUNCATED}
     * @param node   the node that answered, or null
     * @param stats  time to first token, tokens and rate, when known
     */
    record Done(String answerId, JsonObject trigger, AnswerEnding ending, String node, JsonObject stats)
            implements AssistantEvent {}

    /** Answer {@code answerId} failed after {@code partial} had been sent. */
    record Failed(String answerId, ErrorCode code, String message, String partial) implements AssistantEvent {}

    /** Whether the assistant can answer, and with which model. */
    record Status(boolean enabled, boolean available, String model, String breaker) implements AssistantEvent {}

    /** The message the session's client gets; it names the node that answered only when {@code nodeNames}. */
    default JsonObject toWire(boolean nodeNames) {
        if (this instanceof Delta d) {
            return ServerMessages.aiDelta(d.answerId(), d.text(), d.trigger());
        }
        if (this instanceof Thought t) {
            return ServerMessages.aiDelta(t.answerId(), t.text(), t.trigger()).put("thinking", true);
        }
        if (this instanceof Done d) {
            return ServerMessages.aiDone(
                    d.answerId(), d.trigger(), d.ending().wire(), nodeNames ? d.node() : null, d.stats());
        }
        if (this instanceof Failed f) {
            return ServerMessages.aiError(f.answerId(), f.code(), f.message(), f.partial());
        }
        Status st = (Status) this;
        return ServerMessages.assistant(st.enabled(), st.available(), st.model(), st.breaker());
    }

    /** The event bus form of an answer's events (the others never travel). */
    default JsonObject toJson() {
        if (this instanceof Delta d) {
            return new JsonObject()
                    .put("event", "delta")
                    .put("answerId", d.answerId())
                    .put("text", d.text())
                    .put("trigger", d.trigger());
        }
        if (this instanceof Thought t) {
            return new JsonObject()
                    .put("event", "thought")
                    .put("answerId", t.answerId())
                    .put("text", t.text())
                    .put("trigger", t.trigger());
        }
        if (this instanceof Done d) {
            return new JsonObject()
                    .put("event", "done")
                    .put("answerId", d.answerId())
                    .put("trigger", d.trigger())
                    .put("ending", d.ending().wire())
                    .put("node", d.node())
                    .put("stats", d.stats());
        }
        if (this instanceof Failed f) {
            return new JsonObject()
                    .put("event", "failed")
                    .put("answerId", f.answerId())
                    .put("code", f.code().name())
                    .put("message", f.message())
                    .put("partial", f.partial());
        }
        throw new IllegalStateException(this + " does not travel");
    }

    /** Reads what {@link #toJson()} wrote. */
    static AssistantEvent fromJson(JsonObject json) {
        String answerId = json.getString("answerId");
        return switch (json.getString("event", "")) {
            case "delta" -> new Delta(answerId, json.getString("text", ""), json.getJsonObject("trigger"));
            case "thought" -> new Thought(answerId, json.getString("text", ""), json.getJsonObject("trigger"));
            case "done" ->
                new Done(
                        answerId,
                        json.getJsonObject("trigger"),
                        AnswerEnding.fromWire(json.getString("ending")),
                        json.getString("node"),
                        json.getJsonObject("stats"));
            case "failed" ->
                new Failed(
                        answerId,
                        ErrorCode.valueOf(json.getString("code")),
                        json.getString("message"),
                        json.getString("partial", ""));
            default -> throw new IllegalArgumentException("not an assistant event: " + json.encode());
        };
    }
}

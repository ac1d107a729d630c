package io.palmreader.assistant;

import io.vertx.core.eventbus.EventBus;

/** An answer, its span, and the chat that now produces it (a busy server's retry is a new chat). */
final class RunningAnswer {

    final AnswerStream stream;
    final AnswerSpan span;
    ChatCall chat;

    RunningAnswer(AnswerStream stream, AnswerSpan span) {
        this.stream = stream;
        this.span = span;
    }

    /** Sends an event of this answer to its session, on whatever node the session is. */
    void send(EventBus bus, AssistantEvent event) {
        bus.send(AssistantAddresses.session(stream.request().sessionId()), event.toJson());
    }
}

package io.palmreader.assistant;

/** An answer and the chat that now produces it (a busy server's retry is a new chat). */
final class RunningAnswer {

    final AnswerStream stream;
    ChatCall chat;

    RunningAnswer(AnswerStream stream) {
        this.stream = stream;
    }
}

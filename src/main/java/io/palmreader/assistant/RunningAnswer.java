package io.palmreader.assistant;

/** An answer and the chat that now produces it (a busy Ollama's retry is a new chat). */
final class RunningAnswer {

    final AnswerStream stream;
    OllamaChat chat;

    RunningAnswer(AnswerStream stream) {
        this.stream = stream;
    }
}

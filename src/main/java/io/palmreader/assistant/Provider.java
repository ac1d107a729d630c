package io.palmreader.assistant;

import java.util.Locale;

/** The dialect of the LLM server ({@code assistant.provider}). */
enum Provider {
    /** Ollama's native {@code /api/chat}: NDJSON lines. */
    OLLAMA,
    /** An OpenAI-compatible {@code /chat/completions}: server-sent events. */
    OPENAI;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This dialect's requests, bodies and streams. */
    ChatProtocol protocol() {
        return this == OLLAMA ? new OllamaProtocol() : new OpenAiProtocol();
    }
}

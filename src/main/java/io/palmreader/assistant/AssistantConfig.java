package io.palmreader.assistant;

import io.palmreader.config.ConfigException;
import io.palmreader.config.Settings;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * The assistant's settings; keys under {@code ollama.} and {@code assistant.} (README, Configuration).
 *
 * @param ollamaUrl          base URL of the Ollama server
 * @param model              the model to chat with
 * @param options            Ollama sampling options, passed under {@code options} as they are
 * @param systemPrompt       the system message of every chat
 * @param historyMessages    most past messages (questions and answers) of a session put into a prompt
 * @param busyRetries        retries when Ollama answers 503 (busy), by the circuit breaker, with jittered
 *                           exponential back-off ({@link OllamaClient#retryPolicy()})
 * @param requestTimeoutMs   longest wait for Ollama's response to begin
 * @param breakerFailures    consecutive failures that open the circuit breaker
 * @param breakerResetMs     how long the breaker stays open before trying again
 * @param cacheTtlMs         how long an answer to a text-only prompt is served from the cache (0: no cache)
 * @param historyTtlMs       how long a conversation is kept after its last message
 * @param maxAnswerChars     an answer is cut here and Ollama stopped (its tokens are spent on nobody)
 * @param enabled            whether sessions start with the assistant on ({@code hello} can turn it off)
 * @param attachFrame        whether the triggering frame goes with each prompt ({@code hello} can change it)
 * @param gestureCooldownMs  a gesture asks the assistant at most once per this time per session
 * @param asksPerMinute      questions per minute per session, across nodes (0: no limit)
 * @param asksPerMinutePerAddress questions per minute per client address, across nodes (0: no limit)
 */
public record AssistantConfig(
        URI ollamaUrl,
        String model,
        JsonObject options,
        String systemPrompt,
        int historyMessages,
        int busyRetries,
        int requestTimeoutMs,
        int breakerFailures,
        int breakerResetMs,
        long cacheTtlMs,
        long historyTtlMs,
        int maxAnswerChars,
        boolean enabled,
        boolean attachFrame,
        int gestureCooldownMs,
        int asksPerMinute,
        int asksPerMinutePerAddress) {

    public static final String DEFAULT_SYSTEM_PROMPT = "You are Palmreader's assistant. You see the user's hand "
            + "gestures, named by a recognizer, and sometimes their camera frame. Answer briefly and helpfully.";

    public static AssistantConfig from(Settings s) {
        URI url;
        String text = s.string("ollama.url", "http://localhost:11434");
        try {
            url = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ollama.url must be a URL, was '" + text + "'");
        }
        if (url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new ConfigException("ollama.url must be an http(s) URL with a host, was '" + text + "'");
        }
        JsonObject options = s.json("ollama.options");
        return new AssistantConfig(
                url,
                s.string("ollama.model", "llama3.2:1b"),
                options,
                s.string("assistant.systemPrompt", DEFAULT_SYSTEM_PROMPT),
                s.integer("assistant.historyMessages", 12, 0, 200),
                s.integer("ollama.busyRetries", 3, 0, 10),
                s.integer("ollama.requestTimeoutMs", 30_000, 100, 600_000),
                s.integer("ollama.breakerFailures", 3, 1, 100),
                s.integer("ollama.breakerResetMs", 10_000, 100, 600_000),
                s.integer("assistant.cacheTtlMs", 600_000, 0, 86_400_000),
                s.integer("assistant.historyTtlMs", 3_600_000, 1000, 604_800_000),
                s.integer("assistant.maxAnswerChars", 4000, 1, 1_000_000),
                s.bool("assistant.enabled", true),
                s.bool("assistant.attachFrame", false),
                s.integer("assistant.gestureCooldownMs", 10_000, 0, 3_600_000),
                s.integer("assistant.asksPerMinute", 20, 0, 100_000),
                s.integer("assistant.asksPerMinutePerAddress", 60, 0, 1_000_000));
    }
}

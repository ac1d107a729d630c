package io.palmreader.assistant;

import io.palmreader.config.ConfigException;
import io.palmreader.config.Settings;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The assistant's settings; keys under {@code ollama.} and {@code assistant.} (README, Configuration).
 *
 * @param provider           the LLM server's dialect ({@code assistant.provider})
 * @param baseUrl            base URL of the LLM server ({@code assistant.baseUrl}; for Ollama {@code ollama.url} too)
 * @param model              the model to chat with ({@code assistant.model}, else {@code ollama.model})
 * @param apiKey             the key sent as {@code Authorization: Bearer}, or null
 * @param maxImagePixels     a frame is scaled down to at most this many pixels, and sent as JPEG
 * @param keepAlive          Ollama's {@code keep_alive} for each chat ({@code assistant.keepAlive}), or null to leave
 *                           Ollama's default
 * @param streamReasoning    whether a reasoning model's thoughts go to the session, marked, apart from the answer
 *                           ({@code assistant.reasoning}: {@code hide} or {@code stream}); they never join the answer
 * @param options            Ollama sampling options, passed under {@code options} as they are
 * @param systemPrompt       the system message of every chat
 * @param historyMessages    most past messages (questions and answers) of a session put into a prompt
 * @param busyRetries        retries when Ollama answers 503 (busy), by the circuit breaker, with jittered
 *                           exponential back-off ({@link ChatClient#retryPolicy()})
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
        Provider provider,
        URI baseUrl,
        String model,
        ApiKey apiKey,
        long maxImagePixels,
        String keepAlive,
        boolean streamReasoning,
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
        Provider provider = Provider.valueOf(
                s.oneOf("assistant.provider", "ollama", "ollama", "openai").toUpperCase(Locale.ROOT));
        // Ollama deployments set ollama.url and ollama.model; the assistant.* keys, where set, win.
        String ollamaUrl = s.string("ollama.url", "http://localhost:11434");
        String base = s.string("assistant.baseUrl", provider == Provider.OLLAMA ? ollamaUrl : null);
        if (base == null) {
            throw new ConfigException("assistant.baseUrl is required with assistant.provider=openai "
                    + "(the URL that ends before /chat/completions, e.g. http://localhost:8000/v1)");
        }
        String model = s.string("assistant.model", s.string("ollama.model", "llama3.2:1b"));
        JsonObject options = s.json("ollama.options");
        return new AssistantConfig(
                provider,
                url(base),
                model,
                apiKey(s.string("assistant.apiKey", null), s.string("assistant.apiKeyFile", null)),
                s.integer("assistant.maxImagePixels", 1_000_000, 1000, 40_000_000),
                s.string("assistant.keepAlive", null),
                s.oneOf("assistant.reasoning", "hide", "hide", "stream").equals("stream"),
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

    private static URI url(String text) {
        URI url;
        try {
            url = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("assistant.baseUrl (or ollama.url) must be a URL, was '" + text + "'");
        }
        if (url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new ConfigException(
                    "assistant.baseUrl (or ollama.url) must be an http(s) URL with a host, was '" + text + "'");
        }
        return url;
    }

    /** The key itself, or read from a file once at start (a mounted secret); never echoed in an error. */
    private static ApiKey apiKey(String key, String file) {
        if (key != null && file != null) {
            throw new ConfigException("set assistant.apiKey or assistant.apiKeyFile, not both");
        }
        if (file != null) {
            try {
                key = Files.readString(Path.of(file)).trim();
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("assistant.apiKeyFile cannot be read: " + file);
            }
        }
        return key == null || key.isBlank() ? null : new ApiKey(key.trim());
    }
}

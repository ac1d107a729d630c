package io.palmreader.assistant;

import io.palmreader.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.net.ConnectException;
import java.net.URI;
import java.util.function.Consumer;

/**
 * One streaming {@code POST /api/chat} to Ollama. The body is read line by line as it arrives (NDJSON), each
 * {@code message.content} handed on as a delta; nothing is buffered whole. Cancelling resets the request, which
 * closes the connection: that is how Ollama learns to stop generating.
 *
 * <p>Two futures: {@link #started()} completes when Ollama has answered 200 (or fails with the reason it did not),
 * {@link #finished()} when the last chunk ({@code done: true}) has arrived.
 */
final class OllamaChat {

    /** Ollama's own figures from the final chunk. */
    record Stats(int tokens, double tokensPerSecond, String doneReason) {}

    private final Promise<Void> started = Promise.promise();
    private final Promise<Stats> finished = Promise.promise();
    private final StringBuilder text = new StringBuilder();
    private HttpClientRequest request;
    private boolean cancelled;

    private OllamaChat() {}

    /** Starts the chat; {@code onDelta} gets each piece of text on the calling context. */
    static OllamaChat start(HttpClient client, URI base, JsonObject body, int timeoutMs, Consumer<String> onDelta) {
        OllamaChat chat = new OllamaChat();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(base + "/api/chat")
                .putHeader("content-type", "application/json")
                .setConnectTimeout(timeoutMs)
                .setIdleTimeout(timeoutMs);
        client.request(options)
                .compose(req -> {
                    chat.request = req;
                    if (chat.cancelled) {
                        req.reset();
                    }
                    return req.send(body.toBuffer());
                })
                .onSuccess(response -> chat.onResponse(response, onDelta))
                .onFailure(e -> chat.fail(connectFailure(base, e)));
        return chat;
    }

    private void onResponse(HttpClientResponse response, Consumer<String> onDelta) {
        if (response.statusCode() != 200) {
            response.body()
                    .onComplete(b ->
                            fail(statusFailure(response.statusCode(), b.succeeded() ? errorText(b.result()) : null)));
            return;
        }
        started.tryComplete();
        RecordParser lines = RecordParser.newDelimited("\n", response);
        lines.handler(line -> onLine(line, onDelta));
        lines.exceptionHandler(e -> fail(new AssistantFailure(
                ErrorCode.ASSISTANT_ERROR, "the answer stream broke off: " + e.getMessage(), true)));
        lines.endHandler(v -> fail(new AssistantFailure(
                ErrorCode.ASSISTANT_ERROR, "Ollama ended the answer without its final chunk", true)));
    }

    private void onLine(Buffer line, Consumer<String> onDelta) {
        if (line.length() == 0 || finished.future().isComplete()) {
            return;
        }
        JsonObject chunk;
        try {
            chunk = line.toJsonObject();
        } catch (DecodeException e) {
            fail(new AssistantFailure(ErrorCode.ASSISTANT_ERROR, "Ollama sent a line that is not JSON", true));
            request.reset();
            return;
        }
        if (chunk.containsKey("error")) {
            // Ollama reports failures during generation in the stream itself; the status stays 200.
            fail(new AssistantFailure(ErrorCode.ASSISTANT_ERROR, "Ollama: " + chunk.getValue("error"), true));
            request.reset();
            return;
        }
        JsonObject message = chunk.getJsonObject("message");
        String delta = message == null ? null : message.getString("content");
        if (delta != null && !delta.isEmpty()) {
            text.append(delta);
            onDelta.accept(delta);
        }
        if (chunk.getBoolean("done", false)) {
            long evalCount = chunk.getLong("eval_count", 0L);
            long evalNanos = chunk.getLong("eval_duration", 0L);
            finished.tryComplete(new Stats(
                    (int) evalCount, evalNanos > 0 ? evalCount * 1e9 / evalNanos : 0, chunk.getString("done_reason")));
        }
    }

    private void fail(AssistantFailure failure) {
        started.tryFail(failure);
        finished.tryFail(failure);
    }

    /** Stops the answer: the connection closes and Ollama stops generating. */
    void cancel() {
        cancelled = true;
        finished.tryFail(new AssistantFailure(ErrorCode.ASSISTANT_ERROR, "cancelled", false));
        started.tryFail(new AssistantFailure(ErrorCode.ASSISTANT_ERROR, "cancelled", false));
        if (request != null) {
            request.reset();
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    Future<Void> started() {
        return started.future();
    }

    Future<Stats> finished() {
        return finished.future();
    }

    /** The text so far. */
    String text() {
        return text.toString();
    }

    private static String errorText(Buffer body) {
        try {
            Object error = body.toJsonObject().getValue("error");
            return error == null ? body.toString() : String.valueOf(error);
        } catch (DecodeException e) {
            return body.toString();
        }
    }

    static AssistantFailure statusFailure(int status, String error) {
        if (status == 404) {
            return new AssistantFailure(
                    ErrorCode.MODEL_NOT_FOUND,
                    "Ollama does not have the model (" + error
                            + "): install it with 'ollama pull MODEL' on the Ollama machine",
                    false);
        }
        if (status == 503) {
            return new AssistantFailure(ErrorCode.ASSISTANT_BUSY, "Ollama is busy: " + error, true);
        }
        return new AssistantFailure(
                ErrorCode.ASSISTANT_ERROR, "Ollama answered " + status + ": " + error, status >= 500);
    }

    private static AssistantFailure connectFailure(URI base, Throwable e) {
        String why = e instanceof ConnectException || e.getCause() instanceof ConnectException
                ? "nothing is listening there"
                : e.getMessage();
        return new AssistantFailure(
                ErrorCode.ASSISTANT_UNAVAILABLE, "cannot reach Ollama at " + base + ": " + why, true);
    }
}

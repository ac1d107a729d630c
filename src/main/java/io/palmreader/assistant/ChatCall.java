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
import java.util.List;
import java.util.function.Consumer;

/**
 * One streaming chat request to the LLM server, in its {@link ChatProtocol}. The body is read line by line as it
 * arrives, each piece of answer handed on as a delta and each piece of reasoning apart; nothing is buffered whole.
 * Cancelling resets the request, which closes the connection: that is how every one of these servers learns to stop
 * generating.
 *
 * <p>Two futures: {@link #started()} completes when the server has answered 200 (or fails with the reason it did not),
 * {@link #finished()} when the answer's end has arrived.
 */
final class ChatCall {

    /** The server's own figures from the end of the answer (0 where it sent none). */
    record Stats(int tokens, double tokensPerSecond, String doneReason) {}

    /** Where a chat's text goes: the answer's pieces, and the reasoning's apart. */
    record Sink(Consumer<String> answer, Consumer<String> thinking) {}

    private final Promise<Void> started = Promise.promise();
    private final Promise<Stats> finished = Promise.promise();
    private final StringBuilder text = new StringBuilder();
    private final ChatProtocol.Decoder decoder;
    private final Sink sink;
    private HttpClientRequest request;
    private boolean cancelled;
    private long firstAnswerNanos;

    private ChatCall(ChatProtocol.Decoder decoder, Sink sink) {
        this.decoder = decoder;
        this.sink = sink;
    }

    /** Starts the chat; the sink gets each piece of text on the calling context. */
    static ChatCall start(HttpClient client, AssistantConfig config, JsonObject body, Sink sink) {
        ChatProtocol protocol = config.provider().protocol();
        ChatCall chat = new ChatCall(protocol.decoder(), sink);
        URI base = config.baseUrl();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(base + protocol.chatPath())
                .putHeader("content-type", "application/json")
                .setConnectTimeout(config.requestTimeoutMs())
                .setIdleTimeout(config.requestTimeoutMs());
        if (config.apiKey() != null) {
            options.putHeader("authorization", config.apiKey().bearer());
        }
        client.request(options)
                .compose(req -> {
                    chat.request = req;
                    if (chat.cancelled) {
                        req.reset();
                    }
                    return req.send(body.toBuffer());
                })
                .onSuccess(response -> chat.onResponse(response, protocol))
                .onFailure(e -> chat.fail(connectFailure(base, e)));
        return chat;
    }

    private void onResponse(HttpClientResponse response, ChatProtocol protocol) {
        if (response.statusCode() != 200) {
            String retryAfter = response.getHeader("retry-after");
            response.body()
                    .onComplete(b -> fail(protocol.statusFailure(
                            response.statusCode(), b.succeeded() ? errorText(b.result()) : null, retryAfter)));
            return;
        }
        started.tryComplete();
        RecordParser lines = RecordParser.newDelimited("\n", response);
        lines.handler(line -> take(decoder.line(line.toString())));
        lines.exceptionHandler(e -> fail(new AssistantFailure(
                ErrorCode.ASSISTANT_ERROR, "the answer stream broke off: " + e.getMessage(), true)));
        lines.endHandler(v -> take(decoder.ended()));
    }

    private void take(List<ChatProtocol.Part> parts) {
        for (ChatProtocol.Part part : parts) {
            if (finished.future().isComplete()) {
                return;
            }
            if (part instanceof ChatProtocol.Part.Answer a) {
                if (text.isEmpty()) {
                    firstAnswerNanos = System.nanoTime();
                }
                text.append(a.text());
                sink.answer().accept(a.text());
            } else if (part instanceof ChatProtocol.Part.Thinking t) {
                sink.thinking().accept(t.text());
            } else if (part instanceof ChatProtocol.Part.Finished f) {
                finished.tryComplete(withRate(f.stats()));
            } else if (part instanceof ChatProtocol.Part.Failed f) {
                fail(f.failure());
                request.reset();
            }
        }
    }

    /** A server that sends no rate of its own gets one measured here, from its first answer token to its end. */
    private Stats withRate(Stats stats) {
        if (stats.tokensPerSecond() > 0 || stats.tokens() <= 1 || text.isEmpty()) {
            return stats;
        }
        long nanos = System.nanoTime() - firstAnswerNanos;
        return new Stats(stats.tokens(), nanos > 0 ? (stats.tokens() - 1) * 1e9 / nanos : 0, stats.doneReason());
    }

    private void fail(AssistantFailure failure) {
        started.tryFail(failure);
        finished.tryFail(failure);
    }

    /** Stops the answer: the connection closes and the server stops generating. */
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

    /** The answer's text so far. */
    String text() {
        return text.toString();
    }

    /** The error's text: Ollama's {@code error} string, OpenAI's {@code error.message} with its code, or the body. */
    private static String errorText(Buffer body) {
        try {
            Object error = body.toJsonObject().getValue("error");
            if (error instanceof JsonObject e) {
                return e.getString("message", "") + (e.getValue("code") == null ? "" : " (" + e.getValue("code") + ")");
            }
            return error == null ? body.toString() : String.valueOf(error);
        } catch (DecodeException | ClassCastException e) {
            return body.toString();
        }
    }

    private static AssistantFailure connectFailure(URI base, Throwable e) {
        String why = e instanceof ConnectException || e.getCause() instanceof ConnectException
                ? "nothing is listening there"
                : e.getMessage();
        return new AssistantFailure(
                ErrorCode.ASSISTANT_UNAVAILABLE, "cannot reach the LLM server at " + base + ": " + why, true);
    }
}

package io.palmreader.assistant;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible stand-in under {@code /v1}, speaking server-sent events as the specification frames them:
 * {@code POST /v1/chat/completions} with {@code stream: true} answers {@code text/event-stream} whose events are
 * {@code data: {chunk}} then a blank line, each written in pieces split mid-line across network writes, some with
 * {@code \r\n} line ends, some with their JSON over two {@code data:} lines, with comment and keep-alive lines between
 * them; then the final chunk's {@code finish_reason}, a {@code usage} chunk with empty {@code choices}, and
 * {@code data: [DONE]}. It records each request's headers and body; it answers an unknown model 404, a wrong key 401,
 * can be rate-limited (429 with {@code Retry-After}) or unavailable (503), send an error event mid-stream, end the
 * stream without {@code [DONE]}, stream reasoning before the answer, and notices a client closing early.
 * {@code GET /v1/models} lists the models.
 */
final class FakeOpenAi implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;
    /** Whether {@link #close()} closes the Vert.x too: it was made for this server. */
    private boolean ownVertx;

    final List<JsonObject> requests = new CopyOnWriteArrayList<>();
    final List<MultiMap> headers = new CopyOnWriteArrayList<>();
    final AtomicInteger closedEarly = new AtomicInteger();
    final Set<String> models = ConcurrentHashMap.newKeySet();
    volatile List<String> tokens = List.of("Hi", " from", " an", " OpenAI", "-compatible", " server", ".");
    /** Reasoning sent before the answer, under {@link #reasoningField}, with an empty {@code content}. */
    volatile List<String> thoughts = List.of();

    volatile String reasoningField = "reasoning_content";
    volatile long tokenIntervalMs = 10;
    /** The key a request must carry as {@code Authorization: Bearer}; null takes any. */
    volatile String requiredKey;
    /** Requests still to be answered 429, and the {@code Retry-After} they carry. */
    final AtomicInteger rateLimitedFor = new AtomicInteger();

    volatile String retryAfter = "0";
    /** Requests still to be answered 503. */
    final AtomicInteger unavailableFor = new AtomicInteger();
    /** After this many tokens an error event ends the stream; -1 never. */
    volatile int errorAfterTokens = -1;
    /** After this many tokens the stream ends without {@code [DONE]}; -1 never. */
    volatile int endAfterTokens = -1;

    private FakeOpenAi(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    static FakeOpenAi start(Vertx vertx) throws Exception {
        FakeOpenAi[] holder = new FakeOpenAi[1];
        HttpServer server = vertx.createHttpServer().requestHandler(req -> holder[0].handle(req));
        holder[0] = new FakeOpenAi(vertx, server);
        holder[0].models.add("test-model");
        server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        return holder[0];
    }

    /**
     * On a Vert.x of its own, which {@link #close()} closes: for a test class whose node is configured with the
     * server's address, and so must start it first, in a static initializer.
     */
    static FakeOpenAi onOwnVertx() {
        Vertx vertx = Vertx.vertx();
        try {
            FakeOpenAi server = start(vertx);
            server.ownVertx = true;
            return server;
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException(e);
        }
    }

    /** The base URL a client is configured with: it ends in {@code /v1}. */
    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    private void handle(HttpServerRequest req) {
        switch (req.path()) {
            case "/v1/models" -> {
                JsonArray list = new JsonArray();
                models.forEach(m -> list.add(new JsonObject().put("id", m).put("object", "model")));
                json(req.response(), 200, new JsonObject().put("object", "list").put("data", list));
            }
            case "/v1/chat/completions" -> req.body().onSuccess(body -> chat(req, body.toJsonObject()));
            default -> json(req.response(), 404, error("Not Found", "not_found_error", null));
        }
    }

    private static JsonObject error(String message, String type, String code) {
        return new JsonObject()
                .put(
                        "error",
                        new JsonObject()
                                .put("message", message)
                                .put("type", type)
                                .put("code", code));
    }

    private static void json(HttpServerResponse resp, int status, JsonObject body) {
        resp.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    private void chat(HttpServerRequest req, JsonObject body) {
        requests.add(body);
        headers.add(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
        HttpServerResponse resp = req.response();
        String key = requiredKey;
        if (key != null && !("Bearer " + key).equals(req.getHeader("authorization"))) {
            json(resp, 401, error("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"));
            return;
        }
        String model = body.getString("model");
        if (!models.contains(model)) {
            json(resp, 404, error("The model `" + model + "` does not exist.", "NotFoundError", "model_not_found"));
            return;
        }
        if (rateLimitedFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            resp.putHeader("retry-after", retryAfter);
            json(resp, 429, error("Rate limit reached, retry later.", "rate_limit_error", "rate_limit_exceeded"));
            return;
        }
        if (unavailableFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            json(resp, 503, error("The server is overloaded.", "server_error", null));
            return;
        }
        resp.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        List<String> events = new ArrayList<>();
        thoughts.forEach(
                t -> events.add(chunk(new JsonObject().put(reasoningField, t).put("content", ""), null)));
        List<String> answer = tokens;
        int errorAfter = errorAfterTokens;
        int endAfter = endAfterTokens;
        for (int i = 0; i < answer.size(); i++) {
            if (i == errorAfter) {
                events.add(error("the model crashed", "server_error", null).encode());
                break;
            }
            if (i == endAfter) {
                break;
            }
            events.add(chunk(new JsonObject().put("content", answer.get(i)), null));
        }
        boolean complete = errorAfter < 0 && endAfter < 0;
        if (complete) {
            events.add(chunk(new JsonObject(), "stop"));
            events.add(new JsonObject()
                    .put("id", "chatcmpl-1")
                    .put("object", "chat.completion.chunk")
                    .put("choices", new JsonArray())
                    .put(
                            "usage",
                            new JsonObject()
                                    .put("prompt_tokens", 20)
                                    .put("completion_tokens", answer.size())
                                    .put("total_tokens", 20 + answer.size()))
                    .encode());
            events.add("[DONE]");
        }
        int[] next = {0};
        boolean[] finished = {false};
        resp.write(": connected\n\n");
        long timer = vertx.setPeriodic(Math.max(1, tokenIntervalMs), id -> {
            if (next[0] == events.size()) {
                finished[0] = true;
                vertx.cancelTimer(id);
                resp.end();
                return;
            }
            int n = next[0]++;
            for (String piece : framed(events.get(n), n)) {
                resp.write(piece);
            }
        });
        req.connection().closeHandler(v -> {
            if (!finished[0]) {
                vertx.cancelTimer(timer);
                closedEarly.incrementAndGet();
            }
        });
    }

    /**
     * One event in the ways servers frame them: every third with {@code \r\n} line ends, every other JSON event over
     * two {@code data:} lines (split after its first comma, which a JSON reader takes as whitespace between tokens),
     * a keep-alive comment before some; written in three pieces, cut mid-line.
     */
    private static List<String> framed(String data, int n) {
        String eol = n % 3 == 2 ? "\r\n" : "\n";
        int comma = data.indexOf(',');
        String lines = n % 2 == 1 && data.startsWith("{") && comma > 0
                ? "data: " + data.substring(0, comma + 1) + eol + "data:" + data.substring(comma + 1) + eol
                : "data: " + data + eol;
        String event = (n % 4 == 0 ? ": keep-alive" + eol : "") + lines + eol;
        int a = event.length() / 3;
        int b = 2 * event.length() / 3;
        return List.of(event.substring(0, a), event.substring(a, b), event.substring(b));
    }

    private static String chunk(JsonObject delta, String finishReason) {
        return new JsonObject()
                .put("id", "chatcmpl-1")
                .put("object", "chat.completion.chunk")
                .put("model", "test-model")
                .put(
                        "choices",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("index", 0)
                                        .put("delta", delta)
                                        .put("finish_reason", finishReason)))
                .encode();
    }

    @Override
    public void close() {
        server.close();
        if (ownVertx) {
            vertx.close();
        }
    }
}

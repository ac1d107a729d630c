package io.palmreader.assistant;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Ollama stand-in speaking its documented HTTP API: {@code POST /api/chat} streams NDJSON chunks
 * ({@code model, created_at, message{role, content}, done:false}) then a final {@code done:true} chunk with
 * {@code done_reason}, durations and counts; unknown models get 404 with an {@code {"error"}} body; it can be busy
 * (503) or failing (500), fail mid-stream with an {@code {"error"}} line, and notices when the client closes the
 * connection early. {@code GET /api/version} and {@code /api/tags} answer too.
 */
public final class FakeOllama implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;
    public final List<JsonObject> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger closedEarly = new AtomicInteger();
    /** Requests to {@code /api/version}: how often the server was probed. */
    final AtomicInteger versionRequests = new AtomicInteger();
    /** Every request received, counted by path. */
    final Map<String, AtomicInteger> requestsByPath = new ConcurrentHashMap<>();

    final Set<String> models = ConcurrentHashMap.newKeySet();
    /** A thinking model's thoughts, sent first as chunks with {@code message.thinking} and an empty content. */
    volatile List<String> thoughts = List.of();

    public volatile List<String> tokens = List.of("Hello", " there", ",", " nice", " victory", " sign", "!");
    public volatile long tokenIntervalMs = 20;
    /** Requests still to be answered 503. */
    public final AtomicInteger busyFor = new AtomicInteger();
    /** Requests still to be answered 500, as a server failing to load its model would. */
    final AtomicInteger failingFor = new AtomicInteger();
    /** After this many tokens the connection is closed without a final line, as a crashing server would; -1 never. */
    public volatile int dropAfterTokens = -1;
    /** Each token's text is replaced by the time it was written ({@code System.nanoTime()}), for latency benchmarks. */
    public volatile boolean stampTokens;
    /** After this many tokens an error line ends the stream; -1 for never. */
    volatile int errorAfterTokens = -1;

    private FakeOllama(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static FakeOllama start(Vertx vertx) throws Exception {
        return start(vertx, 0);
    }

    public static FakeOllama start(Vertx vertx, int port) throws Exception {
        FakeOllama[] holder = new FakeOllama[1];
        HttpServer server = vertx.createHttpServer().requestHandler(req -> holder[0].handle(req));
        holder[0] = new FakeOllama(vertx, server);
        holder[0].models.add("llama3.2:1b");
        server.listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
        return holder[0];
    }

    /** Serves on the given port until killed: the stand-in Ollama of scripts/soak. */
    public static void main(String[] args) throws Exception {
        FakeOllama ollama = start(Vertx.vertx(), Integer.parseInt(args[0]));
        System.out.println("test Ollama at " + ollama.url());
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Requests to {@code /api/tags}: how often the list of models was probed. */
    int tagsRequests() {
        AtomicInteger n = requestsByPath.get("/api/tags");
        return n == null ? 0 : n.get();
    }

    /** Requests received so far, of any path. */
    int received() {
        return requestsByPath.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void handle(HttpServerRequest req) {
        requestsByPath.computeIfAbsent(req.path(), p -> new AtomicInteger()).incrementAndGet();
        switch (req.path()) {
            case "/api/version" -> {
                versionRequests.incrementAndGet();
                req.response()
                        .putHeader("content-type", "application/json")
                        .end(new JsonObject().put("version", "0.12.6").encode());
            }
            case "/api/tags" -> {
                JsonArray list = new JsonArray();
                models.forEach(m -> list.add(new JsonObject().put("name", m).put("model", m)));
                req.response()
                        .putHeader("content-type", "application/json")
                        .end(new JsonObject().put("models", list).encode());
            }
            case "/api/chat" -> req.body().onSuccess(body -> chat(req, body.toJsonObject()));
            default -> req.response().setStatusCode(404).end("404 page not found");
        }
    }

    private void chat(HttpServerRequest req, JsonObject body) {
        requests.add(body);
        HttpServerResponse resp = req.response().putHeader("content-type", "application/json; charset=utf-8");
        String model = body.getString("model");
        if (!models.contains(model)) {
            resp.setStatusCode(404)
                    .end(new JsonObject()
                            .put("error", "model \"" + model + "\" not found, try pulling it first")
                            .encode());
            return;
        }
        if (busyFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            resp.setStatusCode(503)
                    .end(new JsonObject()
                            .put("error", "server busy, please try again.  maximum pending requests exceeded")
                            .encode());
            return;
        }
        if (failingFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            resp.setStatusCode(500)
                    .end(new JsonObject()
                            .put("error", "llama runner process has terminated")
                            .encode());
            return;
        }
        resp.setChunked(true).putHeader("content-type", "application/x-ndjson");
        List<String> answer = tokens;
        List<String> thinking = thoughts;
        int failAfter = errorAfterTokens;
        int dropAfter = dropAfterTokens;
        long startNanos = System.nanoTime();
        int[] sent = {0};
        int[] thought = {0};
        boolean[] finished = {false};
        long timer = vertx.setPeriodic(Math.max(1, tokenIntervalMs), id -> {
            if (thought[0] < thinking.size()) {
                resp.write(chunk(model, "", false)
                                .put(
                                        "message",
                                        new JsonObject()
                                                .put("role", "assistant")
                                                .put("content", "")
                                                .put("thinking", thinking.get(thought[0]++)))
                                .encode()
                        + "\n");
                return;
            }
            if (failAfter >= 0 && sent[0] == failAfter) {
                finished[0] = true;
                vertx.cancelTimer(id);
                resp.end(new JsonObject()
                                .put("error", "an error was encountered while running the model: unexpected EOF")
                                .encode()
                        + "\n");
                return;
            }
            if (dropAfter >= 0 && sent[0] == dropAfter) {
                finished[0] = true;
                vertx.cancelTimer(id);
                req.connection().close();
                return;
            }
            if (sent[0] < answer.size()) {
                String content = stampTokens ? System.nanoTime() + " " : answer.get(sent[0]);
                sent[0]++;
                resp.write(chunk(model, content, false).encode() + "\n");
                return;
            }
            finished[0] = true;
            vertx.cancelTimer(id);
            long total = System.nanoTime() - startNanos;
            resp.end(chunk(model, "", true)
                            .put("done_reason", "stop")
                            .put("total_duration", total)
                            .put("load_duration", 1_000_000L)
                            .put("prompt_eval_count", 26)
                            .put("prompt_eval_duration", 2_000_000L)
                            .put("eval_count", answer.size())
                            .put("eval_duration", Math.max(1, total - 3_000_000L))
                            .encode()
                    + "\n");
        });
        req.connection().closeHandler(v -> {
            if (!finished[0]) {
                vertx.cancelTimer(timer);
                closedEarly.incrementAndGet();
            }
        });
    }

    private static JsonObject chunk(String model, String content, boolean done) {
        return new JsonObject()
                .put("model", model)
                .put("created_at", Instant.now().toString())
                .put("message", new JsonObject().put("role", "assistant").put("content", content))
                .put("done", done);
    }

    @Override
    public void close() {
        server.close();
    }
}

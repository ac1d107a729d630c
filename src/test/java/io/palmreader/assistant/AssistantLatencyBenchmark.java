package io.palmreader.assistant;

import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How much latency the server adds to each token: the test Ollama writes the time it sends a token as the token's
 * text; the client subtracts it from the time the {@code ai} delta arrives (one JVM, one clock). A benchmark, run on
 * demand and never in the suite:
 * {@code mvn -B test -Dtest=AssistantLatencyBenchmark -Dbenchmarks.excluded=none}
 */
@Tag("benchmark")
@DisplayName("Added latency from Ollama's token to the WebSocket client")
class AssistantLatencyBenchmark {

    private static final int SESSIONS = 20;
    private static final int ANSWERS_PER_SESSION = 20;
    private static final int TOKENS = 20;
    private static final long TOKEN_INTERVAL_MS = 25;
    /** Answers per session left out while the JIT compiles the path. */
    private static final int WARMUP_ANSWERS = 5;

    /** Ollama, the server and the clients each on their own Vert.x, as three processes would be. */
    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
                    .put(
                            "assistant",
                            new JsonObject()
                                    .put("cacheTtlMs", 0)
                                    .put("asksPerMinute", 0)
                                    .put("asksPerMinutePerAddress", 0)))
            .role("edge")
            .withOllama();

    @Test
    void measure() throws Exception {
        FakeOllama ollama = node.ollama();
        ollama.stampTokens = true;
        ollama.tokenIntervalMs = TOKEN_INTERVAL_MS;
        ollama.tokens = Collections.nCopies(TOKENS, "x");
        Vertx clientVertx = node.clients();
        int port = node.port();
        List<Double> first = Collections.synchronizedList(new ArrayList<>());
        List<Double> all = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            Thread t = new Thread(() -> {
                try (SessionClient s = SessionClient.connect(clientVertx, port)) {
                    s.next("welcome", 5000);
                    for (int a = 0; a < ANSWERS_PER_SESSION; a++) {
                        s.sendText(new JsonObject()
                                .put("type", "ask")
                                .put("text", "tick " + a)
                                .encode());
                        boolean firstToken = true;
                        while (true) {
                            JsonObject ai = s.next("ai", 10_000);
                            long now = System.nanoTime();
                            if (ai.getBoolean("done")) {
                                break;
                            }
                            double ms =
                                    (now - Long.parseLong(ai.getString("delta").trim())) / 1e6;
                            if (a < WARMUP_ANSWERS) {
                                continue;
                            }
                            all.add(ms);
                            if (firstToken) {
                                first.add(ms);
                                firstToken = false;
                            }
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf(
                Locale.ROOT,
                "%d sessions × %d answers (first %d left out) × %d tokens every %d ms (%d tokens/s)%n",
                SESSIONS,
                ANSWERS_PER_SESSION,
                WARMUP_ANSWERS,
                TOKENS,
                TOKEN_INTERVAL_MS,
                SESSIONS * 1000 / TOKEN_INTERVAL_MS);
        report("first token", first);
        report("every token", all);
    }

    private static void report(String what, List<Double> samples) {
        double[] sorted =
                samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "%s: n=%d p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                what,
                sorted.length,
                at(sorted, 50),
                at(sorted, 99),
                sorted[sorted.length - 1]);
    }

    private static double at(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }
}

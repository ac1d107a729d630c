package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.protocol.ClientFrame;
import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A seeded stream of hostile messages from several connections at once, with a well-behaved session alongside.
 * Every hostile message must get its coded error (or, for one that still decodes, its answer) or a policy close;
 * the good session must get the right gesture throughout; the node must be live and hold no session afterwards.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Hostile input: over 10,000 malformed messages, each answered with its code, and a good session unharmed")
class HostileInputTest {

    private static final long SEED = 20261125L;
    private static final int CONNECTIONS = 3;
    private static final int MESSAGES_PER_CONNECTION = 3_400;
    private static final int MAX_FRAME_BYTES = 300_000;
    /** The codes hostile messages may get: what is wrong with them, or that they come too fast (text is limited too). */
    private static final Set<String> CODES = Set.of("invalid_frame", "frame_too_large", "bad_message", "rate_limited");
    /**
     * What the server answers a message of each kind sent alone: the code for what is wrong with it (a cut or
     * corrupted photo may still decode, into hands, or now declare more than a frame may hold), unless the message
     * came faster than the session's rate for its kind.
     */
    private static final Map<String, Set<String>> EXPECTED = expected();
    /** A message over its session's rate: refused before it is read, told with an error or a quiet notice. */
    private static final Set<String> OVER_RATE = Set.of("rate_limited", "dropped rate_limited");

    private static final String BURST = "in a burst";

    private static Map<String, Set<String>> expected() {
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String text : List.of(
                "malformed JSON",
                "deeply nested JSON",
                "unknown type",
                "non-string type",
                "JSON that is not an object",
                "oversized text",
                "hello with bad fields")) {
            expected.put(text, Set.of("bad_message"));
        }
        for (String header : List.of(
                "wrong protocol version",
                "unknown header flags",
                "shorter than a header",
                "random bytes after a valid header")) {
            expected.put(header, Set.of("invalid_frame"));
        }
        for (String damaged : List.of("truncated JPEG", "corrupt JPEG")) {
            expected.put(damaged, Set.of("invalid_frame", "frame_too_large", "hands"));
        }
        expected.put("over the frame size limit", Set.of("frame_too_large"));
        // A bomb's header declares absurd dimensions and no image data follows it: the file is refused as broken.
        for (String bomb : List.of("JPEG bomb", "PNG bomb")) {
            expected.put(bomb, Set.of("invalid_frame"));
        }
        return expected;
    }

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
            // Rate limits answer floods with one notice a second; here every message must be answered on its own.
            .put(
                    "session",
                    new JsonObject()
                            .put("maxFrameBytes", MAX_FRAME_BYTES)
                            .put("maxFps", 1000)
                            .put("maxTextBytes", 4096))
            .put("assistant", new JsonObject().put("enabled", "false"))
            .put("inference", new JsonObject().put("workers", 1).put("opencvThreads", 1)));

    private Vertx vertx;
    private int port;
    private byte[] thumbsUp;
    private byte[] victory;

    @BeforeAll
    void clients() {
        vertx = node.vertx();
        port = node.port();
        thumbsUp = GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg");
        victory = GatewayTestAccess.photo("hands/victory/wasmedge_victory.jpg");
    }

    /** One hostile message: what it is (for failure messages) and its bytes, text or binary. */
    private record Hostile(String kind, String text, Buffer binary) {}

    private static String randomText(Random r, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) (r.nextInt(0x2FF) + 1));
        }
        return b.toString();
    }

    private static Buffer frame(Random r, byte[] image) {
        return ClientFrame.encode(r.nextLong() & 0xFFFFFFFFL, r.nextLong(), image);
    }

    /** A JPEG that says it is 65,500 × 65,500: a decompression bomb, refused from its header. */
    private static byte[] jpegBomb(Random r) {
        byte[] b = {
            (byte) 0xFF,
            (byte) 0xD8,
            (byte) 0xFF,
            (byte) 0xC0,
            0,
            17,
            8,
            (byte) 0xFF,
            (byte) 0xDC,
            (byte) 0xFF,
            (byte) 0xDC,
            3,
            1,
            0x22,
            0,
            2,
            0x11,
            1,
            3,
            0x11,
            1,
            (byte) 0xFF,
            (byte) 0xD9
        };
        byte[] padded = Arrays.copyOf(b, b.length + r.nextInt(64));
        padded[padded.length - 2] = (byte) 0xFF;
        padded[padded.length - 1] = (byte) 0xD9;
        return padded;
    }

    /** A PNG whose IHDR claims absurd dimensions. */
    private static byte[] pngBomb(Random r) {
        Buffer b = Buffer.buffer()
                .appendBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10})
                .appendInt(13)
                .appendString("IHDR")
                .appendInt(100_000 + r.nextInt(1_000_000))
                .appendInt(100_000 + r.nextInt(1_000_000))
                .appendBytes(new byte[] {8, 2, 0, 0, 0})
                .appendInt(r.nextInt());
        return b.getBytes();
    }

    private static String nested(int depth, Random r) {
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return open.repeat(depth) + "1" + close.repeat(depth);
    }

    private Hostile next(Random r) {
        int pick = r.nextInt(100);
        if (pick < 12) {
            return new Hostile("malformed JSON", randomText(r, 1 + r.nextInt(200)), null);
        } else if (pick < 20) {
            return new Hostile("deeply nested JSON", nested(2_000 + r.nextInt(20_000), r), null);
        } else if (pick < 28) {
            return new Hostile(
                    "unknown type",
                    new JsonObject()
                            .put("type", randomText(r, 1 + r.nextInt(20)))
                            .encode(),
                    null);
        } else if (pick < 33) {
            Object notAType = r.nextBoolean() ? r.nextInt() : new JsonObject();
            return new Hostile(
                    "non-string type", new JsonObject().put("type", notAType).encode(), null);
        } else if (pick < 37) {
            return new Hostile(
                    "JSON that is not an object", r.nextBoolean() ? "[1,2,3]" : String.valueOf(r.nextDouble()), null);
        } else if (pick < 41) {
            return new Hostile(
                    "oversized text",
                    new JsonObject()
                            .put("type", "ask")
                            .put("text", "x".repeat(5_000 + r.nextInt(20_000)))
                            .encode(),
                    null);
        } else if (pick < 45) {
            return new Hostile(
                    "hello with bad fields",
                    new JsonObject()
                            .put("type", "hello")
                            .put("model", r.nextBoolean() ? "huge" : r.nextInt())
                            .put("maxHands", -r.nextInt(100))
                            .encode(),
                    null);
        } else if (pick < 53) {
            Buffer b = frame(r, Arrays.copyOf(thumbsUp, 64));
            b.setUnsignedByte(0, (short) (2 + r.nextInt(250)));
            return new Hostile("wrong protocol version", null, b);
        } else if (pick < 57) {
            Buffer b = frame(r, Arrays.copyOf(thumbsUp, 64));
            b.setUnsignedByte(1, (short) (1 + r.nextInt(255)));
            return new Hostile("unknown header flags", null, b);
        } else if (pick < 61) {
            byte[] shortOne = new byte[r.nextInt(ClientFrame.HEADER_BYTES + 1)];
            r.nextBytes(shortOne);
            return new Hostile("shorter than a header", null, Buffer.buffer(shortOne));
        } else if (pick < 69) {
            byte[] noise = new byte[1 + r.nextInt(4096)];
            r.nextBytes(noise);
            return new Hostile("random bytes after a valid header", null, frame(r, noise));
        } else if (pick < 79) {
            return new Hostile(
                    "truncated JPEG", null, frame(r, Arrays.copyOf(thumbsUp, 1 + r.nextInt(thumbsUp.length - 1))));
        } else if (pick < 84) {
            byte[] corrupt = victory.clone();
            for (int i = 0; i < 1 + r.nextInt(50); i++) {
                corrupt[r.nextInt(corrupt.length)] = (byte) r.nextInt(256);
            }
            return new Hostile("corrupt JPEG", null, frame(r, corrupt));
        } else if (pick < 90) {
            return new Hostile("JPEG bomb", null, frame(r, jpegBomb(r)));
        } else if (pick < 95) {
            return new Hostile("PNG bomb", null, frame(r, pngBomb(r)));
        } else {
            byte[] big = new byte[MAX_FRAME_BYTES + 1 + r.nextInt(MAX_FRAME_BYTES)];
            r.nextBytes(big);
            return new Hostile("over the frame size limit", null, frame(r, big));
        }
    }

    private void send(SessionClient c, Hostile h) throws Exception {
        if (h.text() != null) {
            c.sendText(h.text());
        } else {
            c.sendRaw(h.binary().getBytes());
        }
    }

    /**
     * Sends its share one at a time, each awaited; every tenth round is a flood of 20 sent at once, then all awaited.
     * Counts what the server answered, by kind for the messages sent alone (a flood's answers come in their own order).
     */
    private void attack(int connection, Map<String, Map<String, Integer>> answers) throws Exception {
        Random r = new Random(SEED + connection);
        try (SessionClient c = SessionClient.connect(vertx, port)) {
            c.next("welcome", 10_000);
            int sent = 0;
            int round = 0;
            while (sent < MESSAGES_PER_CONNECTION) {
                int burst = ++round % 10 == 0 ? Math.min(20, MESSAGES_PER_CONNECTION - sent) : 1;
                List<Hostile> batch = new ArrayList<>(burst);
                for (int i = 0; i < burst; i++) {
                    Hostile h = next(r);
                    batch.add(h);
                    send(c, h);
                }
                // Text is answered at once and frames after inference, so a burst's replies come in their own order:
                // each
                // must be a valid answer, and there must be exactly one per message.
                boolean mayDecode = batch.stream()
                        .anyMatch(
                                h -> h.kind().startsWith("corrupt") || h.kind().startsWith("truncated"));
                boolean hasFrames = batch.stream().anyMatch(h -> h.binary() != null);
                for (int i = 0; i < batch.size(); i++) {
                    String kind = burst == 1 ? batch.get(i).kind() : BURST;
                    JsonObject reply = c.nextOf(30_000, "error", "hands", "dropped");
                    String type = reply.getString("type");
                    String outcome = type.equals("error") ? reply.getString("code") : type;
                    if (type.equals("error")) {
                        assertTrue(CODES.contains(outcome), kind + " got " + reply.encode());
                        assertTrue(!reply.getBoolean("fatal", false), kind + " got a fatal error: " + reply.encode());
                    } else if (type.equals("dropped")) {
                        // In a flood, a frame waiting for inference is replaced by the next one, or refused by a busy
                        // worker; a
                        // frame beyond the rate gets a quiet notice after its first error.
                        assertTrue(
                                hasFrames
                                        && Set.of("superseded", "worker_busy", "rate_limited")
                                                .contains(reply.getString("reason")),
                                kind + " got " + reply.encode());
                        outcome = "dropped " + reply.getString("reason");
                    } else {
                        // A corrupted or cut JPEG may still decode into an image.
                        assertTrue(mayDecode, kind + " got " + reply.encode());
                    }
                    if (burst == 1) {
                        assertTrue(
                                EXPECTED.get(kind).contains(outcome) || OVER_RATE.contains(outcome),
                                kind + " sent alone got " + reply.encode());
                    }
                    answers.computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
                            .merge(outcome, 1, Integer::sum);
                }
                sent += burst;
            }
            // Still a working session after all of it, once a second has refilled its text allowance; and no message
            // got
            // a second answer (one would be passed over on the way to the pong, or come after it).
            vertx.timer(1100).await(5, TimeUnit.SECONDS);
            c.sendText(new JsonObject().put("type", "ping").encode());
            c.next("pong", 10_000);
            c.sendText(new JsonObject().put("type", "ping").encode());
            c.next("pong", 10_000);
            assertEquals(
                    List.of(),
                    c.skipped().stream()
                            .filter(m -> Set.of("error", "hands", "dropped").contains(m.getString("type")))
                            .toList(),
                    "answers beyond one per message");
        }
    }

    @Test
    void hostileMessagesAreAnsweredAndHarmless() throws Exception {
        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicInteger goodAnswers = new AtomicInteger();
        List<String> goodFailures = new ArrayList<>();
        Map<String, Map<String, Integer>> answers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS + 1);
        try {
            Future<?> good = pool.submit(() -> {
                try (SessionClient c = SessionClient.connect(vertx, port)) {
                    c.next("welcome", 10_000);
                    long seq = 0;
                    while (attacking.get()) {
                        c.sendFrame(++seq, thumbsUp);
                        JsonObject hands = c.nextOf(30_000, "hands", "dropped", "error");
                        if ("dropped".equals(hands.getString("type"))
                                && "worker_busy".equals(hands.getString("reason"))) {
                            // The one worker is also busy with the attack's frames: this frame waits for none, the next
                            // goes
                            // a camera frame later.
                            vertx.timer(50).await(1, TimeUnit.SECONDS);
                            continue;
                        }
                        if (!"hands".equals(hands.getString("type"))) {
                            goodFailures.add("frame " + seq + ": " + hands.encode());
                            continue;
                        }
                        String gesture = hands.getJsonArray("hands").isEmpty()
                                ? "none"
                                : hands.getJsonArray("hands").getJsonObject(0).getString("gesture");
                        if (!"Thumb_Up".equals(gesture) || hands.getLong("seq") != seq) {
                            goodFailures.add("frame " + seq + ": " + hands.encode());
                        }
                        goodAnswers.incrementAndGet();
                        vertx.timer(50).await(1, TimeUnit.SECONDS); // a well-behaved client's frame rate
                    }
                }
                return null;
            });
            List<Future<?>> attackers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int connection = i;
                attackers.add(pool.submit(() -> {
                    attack(connection, answers);
                    return null;
                }));
            }
            for (Future<?> a : attackers) {
                a.get(10, TimeUnit.MINUTES);
            }
            attacking.set(false);
            good.get(1, TimeUnit.MINUTES);
            Map<String, Integer> codes = new TreeMap<>();
            answers.values().forEach(byOutcome -> byOutcome.forEach((k, v) -> codes.merge(k, v, Integer::sum)));
            System.out.printf(
                    "hostile messages answered: %s; by kind %s; good session answers: %d%n",
                    codes, new TreeMap<>(answers), goodAnswers.get());
            // Each kind, sent alone, was answered for what is wrong with it, not only refused for its rate.
            EXPECTED.forEach((kind, outcomes) -> {
                Map<String, Integer> got = answers.getOrDefault(kind, Map.of());
                assertTrue(outcomes.stream().anyMatch(got::containsKey), kind + " got " + got);
            });
            assertEquals(List.of(), goodFailures);
            assertTrue(goodAnswers.get() >= 10, "the good session was answered " + goodAnswers.get() + " times");
        } finally {
            pool.shutdownNow();
        }
        // A policy close for a message beyond what the socket accepts at all; the node stays up.
        try (SessionClient c = SessionClient.connect(vertx, port)) {
            c.next("welcome", 10_000);
            c.sendRaw(new byte[4 * MAX_FRAME_BYTES + 64 * 1024]);
            String closed = c.awaitClose(10_000);
            assertTrue(closed != null && closed.startsWith("1009"), "closed with " + closed);
        }
        var http = vertx.createHttpClient();
        int live = http.request(HttpMethod.GET, port, "127.0.0.1", "/api/health/live")
                .compose(r -> r.send().map(resp -> resp.statusCode()))
                .await(10, TimeUnit.SECONDS);
        assertEquals(200, live);
        // No session is left behind by any of the connections.
        Eventually.await(
                vertx,
                5000,
                "every session to end",
                () -> io.palmreader.observability.PalmreaderMetrics.get()
                                .sessions()
                                .get()
                        == 0);
        assertEquals(
                0,
                io.palmreader.observability.PalmreaderMetrics.get().sessions().get());
    }
}

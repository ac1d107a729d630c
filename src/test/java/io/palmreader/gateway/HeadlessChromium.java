package io.palmreader.gateway;

import io.palmreader.testing.Ci;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, with a fake camera playing a y4m file, driven over the DevTools protocol (a
 * WebSocket: no driver binary, no browser download).
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final WebSocketClient client;
    private final WebSocket page;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, WebSocketClient client, WebSocket page) {
        this.process = process;
        this.client = client;
        this.page = page;
        page.textMessageHandler(text -> {
            JsonObject m = new JsonObject(text);
            CompletableFuture<JsonObject> f = m.containsKey("id") ? pending.remove(m.getInteger("id")) : null;
            if (f != null) {
                f.complete(m);
            }
        });
    }

    /** The Chromium binary; on CI its absence fails the test, elsewhere the test is skipped. */
    static Path binary() {
        return Ci.requireExecutable(
                Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium")),
                "scripts/test installs Debian's chromium when run as root");
    }

    static HeadlessChromium open(Vertx vertx, String url, Path fakeCamera, Path profile) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                binary().toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--use-file-for-fake-video-capture=" + fakeCamera,
                "--remote-debugging-port=0",
                // DevTools refuses WebSocket clients that send an Origin unless allowed; this browser is local to the
                // test.
                "--remote-allow-origins=*",
                "--user-data-dir=" + profile,
                "--window-size=1280,900",
                url));
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String browserEndpoint = null;
        BufferedReader stderr =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        long deadline = System.currentTimeMillis() + 30_000;
        String line;
        while (browserEndpoint == null && System.currentTimeMillis() < deadline && (line = stderr.readLine()) != null) {
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) {
                browserEndpoint = m.group(1);
            }
        }
        if (browserEndpoint == null) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium did not open its DevTools endpoint");
        }
        // Keep draining stderr so Chromium never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (stderr.readLine() != null) {
                    // discarded
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        URI browser = URI.create(browserEndpoint);
        // Referenced until done: a collected client closes itself.
        io.vertx.core.http.HttpClient http = vertx.createHttpClient();
        JsonArray targets = http.request(
                        io.vertx.core.http.HttpMethod.GET, browser.getPort(), "127.0.0.1", "/json/list")
                .compose(r -> r.send().compose(resp -> resp.body()))
                .map(b -> new JsonArray(b.toString()))
                .await(10, TimeUnit.SECONDS);
        http.close();
        String pageEndpoint = null;
        for (Object t : targets) {
            JsonObject target = (JsonObject) t;
            if ("page".equals(target.getString("type"))) {
                pageEndpoint = target.getString("webSocketDebuggerUrl");
            }
        }
        URI pageUri = URI.create(pageEndpoint);
        // Screenshots come back as one large base64 message.
        WebSocketClient client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
                .setMaxFrameSize(64 << 20)
                .setMaxMessageSize(64 << 20));
        WebSocket ws = client.connect(new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(pageUri.getPort())
                        .setURI(pageUri.getPath()))
                .await(10, TimeUnit.SECONDS);
        return new HeadlessChromium(process, client, ws);
    }

    JsonObject call(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        page.writeTextMessage(new JsonObject()
                .put("id", id)
                .put("method", method)
                .put("params", params)
                .encode());
        JsonObject reply = f.get(20, TimeUnit.SECONDS);
        if (reply.containsKey("error")) {
            throw new IllegalStateException(method + ": " + reply.getJsonObject("error"));
        }
        return reply.getJsonObject("result");
    }

    /** Evaluates a JavaScript expression in the page and returns its value. */
    Object evaluate(String expression) throws Exception {
        JsonObject result = call(
                        "Runtime.evaluate",
                        new JsonObject().put("expression", expression).put("returnByValue", true))
                .getJsonObject("result");
        return result.getValue("value");
    }

    void screenshot(Path file) throws Exception {
        String png = call("Page.captureScreenshot", new JsonObject().put("format", "png"))
                .getString("data");
        Files.createDirectories(file.getParent());
        Files.write(file, java.util.Base64.getDecoder().decode(png));
    }

    @Override
    public void close() {
        page.close();
        client.close();
        // Chromium's helper processes write to the profile as they exit: every one of them has to be gone before the
        // profile folder can be deleted.
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                p.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package io.palmreader.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.protocol.ProtocolSchema;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 600, unit = TimeUnit.SECONDS)
@DisplayName("A script outside the project, with only the packed SDK and ws on Node.js, against a real node")
class PackedSdkTest {

    /**
     * Every message the SDK sent in this test, in order: a JSON array of the text messages as objects and
     * {@code {"binary": true, "bytes": N}} for each frame, for checks of what clients send against the protocol.
     */
    public static final Path SENT_MESSAGES = Path.of("target", "sdk-sent-messages.json");

    private static final String PHOTO = "hands/victory/wasmedge_victory.jpg";
    private static final String GESTURE = "SdkVee";
    /** npm install fetches ws from the registry. */
    private static final long NPM_TIMEOUT_S = 300;

    private static final long CLIENT_TIMEOUT_S = 240;

    // No gesture is held long enough to be announced, so no answer to a gesture runs beside the question's.
    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(
                    new JsonObject().put("gesture", new JsonObject().put("holdFrames", 1000)))
            .withOllama()
            .withTokens();

    @Test
    @DisplayName("npm pack, npm install of the tarball and ws@8 in a project of its own; the script connects with a "
            + "token, gets the hands of a photo, streams an answer, teaches a gesture over 5 frames while sending "
            + "frames, sees it on the next frame, forgets it, and records what it sent")
    void packedSdkAgainstANode(@TempDir Path dir) throws IOException {
        Path nodeJs = NodeJs.node();
        Path npm = NodeJs.npm();

        Path packed = Files.createDirectories(dir.resolve("pack"));
        NodeJs.Result pack = NodeJs.run(
                NodeJs.SDK,
                NPM_TIMEOUT_S,
                npm.toString(),
                "pack",
                "--json",
                "--loglevel=error",
                "--pack-destination",
                packed.toAbsolutePath().toString());
        assertEquals(0, pack.exit(), pack.output());
        JsonObject report = new JsonArray(pack.stdout()).getJsonObject(0);
        Path tarball = packed.resolve(report.getString("filename"));
        List<String> files = report.getJsonArray("files").stream()
                .map(f -> ((JsonObject) f).getString("path"))
                .collect(Collectors.toList());
        assertTrue(
                files.containsAll(List.of("index.js", "index.d.ts", "package.json", "README.md")), "packed: " + files);

        Path project = Files.createDirectories(dir.resolve("client"));
        Files.writeString(
                project.resolve("package.json"),
                new JsonObject()
                        .put("name", "palmreader-client-check")
                        .put("private", true)
                        .put("type", "module")
                        .encodePrettily());
        NodeJs.Result install = NodeJs.run(
                project,
                NPM_TIMEOUT_S,
                npm.toString(),
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                tarball.toAbsolutePath().toString(),
                "ws@8");
        assertEquals(0, install.exit(), install.output());
        try (InputStream script = PackedSdkTest.class.getResourceAsStream("/sdk/client.mjs")) {
            Files.write(project.resolve("client.mjs"), script.readAllBytes());
        }
        Path photo = dir.resolve("victory.jpg");
        byte[] photoBytes = GatewayTestAccess.photo(PHOTO);
        Files.write(photo, photoBytes);
        Files.createDirectories(SENT_MESSAGES.getParent());
        Files.deleteIfExists(SENT_MESSAGES);

        NodeJs.Result run = NodeJs.run(
                project,
                CLIENT_TIMEOUT_S,
                nodeJs.toString(),
                "client.mjs",
                "ws://127.0.0.1:" + node.port() + "/ws",
                node.tokens().token("sdk-user"),
                photo.toAbsolutePath().toString(),
                SENT_MESSAGES.toAbsolutePath().toString());
        assertEquals(0, run.exit(), run.output());
        String[] lines = run.stdout().trim().split("\n");
        JsonObject got = new JsonObject(lines[lines.length - 1]);

        assertEquals(1, got.getJsonObject("hands").getLong("seq"), got.encode());
        assertEquals(1, got.getJsonObject("hands").getInteger("count"), got.encode());
        assertEquals("Victory", got.getJsonObject("hands").getString("gesture"));
        assertEquals(21, got.getJsonObject("hands").getInteger("landmarks"));

        JsonObject answer = got.getJsonObject("answer");
        assertTrue(answer.getInteger("deltas") >= 1, got.encode());
        assertEquals(String.join("", node.ollama().tokens), answer.getString("text"));

        JsonObject taught = got.getJsonObject("taught");
        assertEquals("taught", taught.getString("type"), got.encode());
        assertEquals(GESTURE, taught.getString("name"));
        assertEquals(5, taught.getInteger("samples"));
        assertEquals(1, taught.getInteger("recordings"));
        assertTrue(taught.getInteger("framesWhileTeaching") >= 5, got.encode());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), taught.getJsonArray("progress").getList());
        assertEquals(new JsonObject().put("gesture", GESTURE).put("taught", true), got.getJsonObject("afterTeaching"));
        assertEquals(new JsonObject().put("type", "forgotten").put("name", GESTURE), got.getJsonObject("forgotten"));

        JsonArray sent = new JsonArray(Files.readString(SENT_MESSAGES));
        List<String> texts = sent.stream()
                .map(m -> (JsonObject) m)
                .filter(m -> !m.containsKey("binary"))
                .map(m -> m.getString("type"))
                .collect(Collectors.toList());
        assertEquals(List.of("ask", "teach", "forget"), texts, sent.encode());
        List<Integer> frames = sent.stream()
                .map(m -> (JsonObject) m)
                .filter(m -> m.getBoolean("binary", false))
                .map(m -> m.getInteger("bytes"))
                .collect(Collectors.toList());
        assertEquals(2 + taught.getInteger("framesWhileTeaching"), frames.size(), "each frame sent once");
        assertTrue(frames.stream().allMatch(bytes -> bytes == 14 + photoBytes.length), "header and photo: " + frames);
        // Every message the SDK sent follows docs/asyncapi.yaml, as every message the server sent has (SessionClient).
        assertEquals(sent.size(), ProtocolSchema.validateClientMessages(SENT_MESSAGES));
    }
}

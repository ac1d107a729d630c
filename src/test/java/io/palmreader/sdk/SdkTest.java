package io.palmreader.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 300, unit = TimeUnit.SECONDS)
@DisplayName("The SDK (web/sdk) passes its own tests under Node's test runner, and the page leaves the wire to it")
class SdkTest {

    /** Long enough for npm pack on a slow, busy machine; the tests take seconds. */
    private static final long NODE_TEST_TIMEOUT_S = 240;

    @Test
    @DisplayName("node --test web/sdk/test/*.test.js exits 0: framing, seq matching, the in-flight limit, reconnects, "
            + "questions, teaching, listeners, the camera, drawing, the declarations and npm pack")
    void nodeTestsPass() throws IOException {
        Path node = NodeJs.node();
        NodeJs.npm(); // the packing test runs it
        List<String> command = new ArrayList<>(List.of(node.toString(), "--test"));
        // Files named one by one: Node 20 reads a directory, newer ones take patterns.
        try (Stream<Path> files = Files.list(NodeJs.SDK.resolve("test"))) {
            files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".test.js"))
                    .sorted()
                    .forEach(name -> command.add("test/" + name));
        }
        assertTrue(command.size() > 2, "no test files in " + NodeJs.SDK.resolve("test"));
        NodeJs.Result result = NodeJs.run(NodeJs.SDK, NODE_TEST_TIMEOUT_S, command);
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.stdout().contains("# fail 0"), result.output());
    }

    @Test
    @DisplayName("only the SDK encodes frames, counts sequence numbers or opens a WebSocket: no web/*.js does")
    void thePageUsesTheSdk() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("web"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".js")).toList()) {
                String js = Files.readString(file);
                for (String wire : List.of("new WebSocket", "setUint32", "setBigInt64", "DataView", ".seq")) {
                    assertFalse(js.contains(wire), file + " does wire work (" + wire + "): that is the SDK's");
                }
            }
        }
        assertTrue(Files.readString(Path.of("web", "app.js")).contains("from './sdk/index.js'"));
    }
}

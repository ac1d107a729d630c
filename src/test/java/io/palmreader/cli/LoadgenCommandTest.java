package io.palmreader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Against a node in echo mode, so the run measures the transport; figures are checked for shape, not speed. */
@DisplayName("palmreader loadgen: sessions at a fixed rate against a server, and a Markdown report")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadgenCommandTest {

    private static String thumbsUp() throws URISyntaxException {
        return Path.of(LoadgenCommandTest.class
                        .getClassLoader()
                        .getResource("hands/thumbs_up")
                        .toURI())
                .toString();
    }

    @RegisterExtension
    static final NodeExtension node =
            NodeExtension.node(new JsonObject().put("inference", new JsonObject().put("mode", "echo")));

    @Test
    @DisplayName("five sessions at 20 fps against an echo node get answers, and the report gives rates and percentiles")
    void drivesAnEchoNode() throws Exception {
        CommandRun r = CommandRun.of(
                "loadgen",
                "--url",
                "ws://127.0.0.1:" + node.port() + "/ws",
                "--sessions",
                "5",
                "--fps",
                "20",
                "--duration",
                "3",
                "--warmup",
                "1",
                "--frames",
                thumbsUp());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        String report = r.out();
        Matcher answered = Pattern.compile("\\| answered/s \\| ([0-9.]+) \\|").matcher(report);
        assertTrue(answered.find(), report);
        assertTrue(Double.parseDouble(answered.group(1)) > 0, report);
        assertTrue(report.contains("| sessions requested / connected / welcomed | 5 / 5 / 5 |"), report);
        assertTrue(
                Pattern.compile("\\| latency p99 ms \\| [0-9.]+ \\|")
                        .matcher(report)
                        .find(),
                report);
        assertTrue(report.contains("| server errors by code | none |"), report);
        assertTrue(r.err().contains("answered"), "a progress line a second on stderr: " + r.err());
    }

    @Test
    @DisplayName("a missing --url is a usage error (exit 2)")
    void missingUrlIsAUsageError() throws Exception {
        CommandRun r =
                CommandRun.of("loadgen", "--sessions", "1", "--fps", "1", "--duration", "1", "--frames", thumbsUp());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--url is required"), r.err());
    }
}

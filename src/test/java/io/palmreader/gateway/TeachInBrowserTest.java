package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName(
        "The Teach panel in headless Chromium: a pose taught from one fake camera, recognised after switching cameras")
class TeachInBrowserTest {

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
                    .put("gesture", new JsonObject().put("holdFrames", 3).put("holdMs", 0))
                    .put("assistant", new JsonObject().put("enabled", false)))
            .withTokens();

    private Vertx vertx;
    private int port;
    private String token;

    @BeforeAll
    void clients() {
        HeadlessChromium.binary();
        vertx = node.vertx();
        port = node.port();
        token = node.tokens().token("browser-user");
    }

    private HeadlessChromium open(Path dir, String photo, String name) throws Exception {
        Path camera = dir.resolve(name + ".y4m");
        BrowserClientTest.writeY4m(GatewayTestAccess.photo(photo), camera, 480, 480, 1);
        return HeadlessChromium.open(
                vertx,
                "http://127.0.0.1:" + port + "/?autostart=1#token=" + token,
                camera,
                dir.resolve("profile-" + name));
    }

    private String text(HeadlessChromium chromium, String expression) throws Exception {
        return String.valueOf(chromium.evaluate(expression));
    }

    @Test
    @DisplayName("Record under a name with the victory photo's camera: the overlay and the list show it; with the "
            + "thumbs-up photo's camera the list still has it and the hand reads Thumb_Up; Forget empties the list")
    void teachThenSwitchCamera(@TempDir Path dir) throws Exception {
        try (HeadlessChromium victory = open(dir, "hands/victory/wasmedge_victory.jpg", "victory")) {
            Eventually.await(
                    vertx,
                    60_000,
                    "the page to show Victory",
                    () -> "Victory".equals(text(victory, "document.body.dataset.gesture")));
            victory.evaluate("document.getElementById('teach-name').value = 'Scissors';"
                    + "document.getElementById('teach-frames').value = '10';"
                    + "document.getElementById('teach-form').requestSubmit()");
            Eventually.await(
                    vertx,
                    30_000,
                    "the taught gesture on the hand and in the list",
                    () -> "Scissors".equals(text(victory, "document.body.dataset.gesture"))
                            && "Scissors".equals(text(victory, "document.body.dataset.taught")));
            assertTrue(text(victory, "document.getElementById('teach-status').textContent")
                    .startsWith("Taught 'Scissors' — 1 recording"));
            assertEquals("Scissors:1", text(victory, "document.body.dataset.taughtCounts"));
            Eventually.await(
                    vertx,
                    10_000,
                    "the latency numbers",
                    () -> !"–".equals(text(victory, "document.getElementById('server-ms').textContent")));
            victory.screenshot(Path.of("target", "browser-teach.png"));
        }
        try (HeadlessChromium thumbsUp = open(dir, "hands/thumbs_up/mpsamples_hand_thumb_up.jpg", "thumbs-up")) {
            Eventually.await(
                    vertx,
                    60_000,
                    "the other camera's hand to read Thumb_Up with Scissors still listed",
                    () -> "Thumb_Up".equals(text(thumbsUp, "document.body.dataset.gesture"))
                            && "Scissors".equals(text(thumbsUp, "document.body.dataset.taught")));
            thumbsUp.evaluate("document.querySelector('#taught-list button').click()");
            Eventually.await(
                    vertx,
                    10_000,
                    "the list to empty",
                    () -> "".equals(text(thumbsUp, "document.body.dataset.taught")));
            assertEquals("Thumb_Up", text(thumbsUp, "document.body.dataset.gesture"));
        }
    }
}

package io.palmreader.gateway;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YUV_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.assistant.FakeOllama;
import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
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
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("The browser client in headless Chromium with a fake camera showing a real thumbs-up")
class BrowserClientTest {

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
                    .put("gesture", new JsonObject().put("holdFrames", 3).put("holdMs", 0)))
            .withOllama();

    private Vertx vertx;
    private FakeOllama ollama;
    private int port;

    @BeforeAll
    void clients() {
        HeadlessChromium.binary();
        vertx = node.vertx();
        ollama = node.ollama();
        port = node.port();
    }

    /**
     * A y4m (4:2:0; Chromium refuses 4:4:4 and mp4) of one photo, as many frames as given: Chromium loops it as
     * the camera.
     */
    static void writeY4m(byte[] photo, Path out, int width, int height, int frames) throws Exception {
        try (BytePointer data = new BytePointer(photo);
                Mat encoded = new Mat(1, photo.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, data);
                Mat bgr = imdecode(encoded, IMREAD_COLOR);
                Mat sized = new Mat();
                Mat yuv = new Mat();
                Size size = new Size(width, height)) {
            resize(bgr, sized, size);
            cvtColor(sized, yuv, COLOR_BGR2YUV_I420);
            byte[] planes = new byte[(int) yuv.total()];
            yuv.data().get(planes);
            try (OutputStream o = Files.newOutputStream(out)) {
                o.write(("YUV4MPEG2 W" + width + " H" + height + " F25:1 Ip A1:1 C420jpeg\n")
                        .getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < frames; i++) {
                    o.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                    o.write(planes);
                }
            }
        }
    }

    @Test
    @DisplayName(
            "the page shows Thumb_Up over the preview, a non-zero answered rate, the model that ran and the assistant's "
                    + "streamed answer")
    void showsTheGesture(@TempDir Path dir) throws Exception {
        Path camera = dir.resolve("thumbs-up.y4m");
        writeY4m(GatewayTest.photo(GatewayTest.THUMB_UP), camera, 640, 520, 1);
        try (HeadlessChromium chromium = HeadlessChromium.open(
                vertx, "http://127.0.0.1:" + port + "/?autostart=1", camera, dir.resolve("profile"))) {
            String expectedAnswer = String.join("", ollama.tokens);
            // The page's state: the gesture shown, answered frames per second, the events list, the assistant's answer.
            String[] page = {"", "0", "", ""};
            try {
                Eventually.await(vertx, 60_000, "the page to show Thumb_Up, answers, the event and the answer", () -> {
                    page[0] = String.valueOf(chromium.evaluate("document.body.dataset.gesture"));
                    page[1] = String.valueOf(chromium.evaluate("document.getElementById('answered-fps').textContent"));
                    page[2] = String.valueOf(chromium.evaluate("document.getElementById('events').textContent"));
                    page[3] = String.valueOf(chromium.evaluate("document.body.dataset.answer || ''"));
                    return "Thumb_Up".equals(page[0])
                            && Long.parseLong(page[1]) > 0
                            && page[2].contains("Thumb_Up")
                            && expectedAnswer.equals(page[3]);
                });
            } catch (AssertionError | java.util.concurrent.TimeoutException notYet) {
                // The assertions below say which part never showed.
            }
            String gesture = page[0];
            long answered = Long.parseLong(page[1]);
            String events = page[2];
            String answer = page[3];
            chromium.screenshot(Path.of("target", "browser-thumbs-up.png"));
            String message = String.valueOf(chromium.evaluate("document.getElementById('message').textContent"));
            assertEquals("Thumb_Up", gesture, "gesture shown; page message: " + message);
            assertTrue(answered > 0, "answered frames per second");
            assertEquals("connected", chromium.evaluate("document.body.dataset.state"));
            assertTrue(events.contains("Thumb_Up"), "gesture event listed: " + events);
            assertEquals(expectedAnswer, answer, "the assistant's answer to the gesture, streamed into the panel");
            assertEquals("up", chromium.evaluate("document.body.dataset.assistant"));
            // One camera is far from loading the node: every answer on the model asked for, and the page says which.
            assertEquals("full", chromium.evaluate("document.getElementById('model-ran').textContent"));
            assertEquals("0", chromium.evaluate("document.body.dataset.rung"));
        }
    }
}

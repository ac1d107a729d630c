package io.palmreader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's shape only: speed is measured by running the command, never asserted in a test. */
@DisplayName("palmreader bench: a Markdown report with stages, frame rates, the MediaPipe baseline and memory")
class BenchCommandTest {

    @Test
    @DisplayName(
            "two photos, both models on both engines, two pipelines, a same-machine MediaPipe file and a short soak")
    void report(@TempDir Path dir) throws IOException {
        Path photos = Files.createDirectories(dir.resolve("photos/thumbs_up"));
        Files.copy(CommandRun.resource("hands/thumbs_up/mpsamples_hand_thumb_up.jpg"), photos.resolve("a.jpg"));
        Files.copy(CommandRun.resource("hands/closed_fist/roboflow_fist.png"), photos.resolve("b.png"));
        Path mediapipe = dir.resolve("results.json");
        Files.writeString(mediapipe, """
        {"chromium": "150", "summary": {"0": {"medianMs": 80.0}, "1": {"medianMs": 100.0}}}""");
        CommandRun run = CommandRun.of(
                "bench",
                "--engine",
                "both",
                "--frames",
                "4",
                "--threads",
                "2",
                "--soak",
                "8",
                "--mediapipe",
                mediapipe.toString(),
                dir.resolve("photos").toString());
        assertEquals(0, run.exitCode(), run.err());
        String report = run.out();
        for (String expected : new String[] {
            "## Model lite, engine tflite",
            "## Model full, engine tflite",
            "## Model lite, engine opencv",
            "## Model full, engine opencv",
            "Engine: TensorFlow Lite 2.20",
            "XNNPACK on",
            "Engine: OpenCV DNN 4.13",
            "## Engines compared",
            "| full | tflite |",
            "| lite | opencv |",
            "| palm detection |",
            "| landmarks |",
            "| untracked (every frame searched afresh) |",
            "| tracked (each photo as a still video) |",
            "median 80.0 ms per photo) | 12.5 |",
            "median 100.0 ms per photo) | 10.0 |",
            "## Memory (full, engine tflite, 8 frames",
            "## Memory (full, engine opencv, 8 frames",
            "over the second half",
            "2 pipeline thread(s), 1 engine thread(s) each"
        }) {
            assertTrue(report.contains(expected), () -> "report lacks '" + expected + "':\n" + report);
        }
    }

    @Test
    @DisplayName("a folder without photos and an unknown model are usage errors")
    void usageErrors(@TempDir Path empty) {
        assertEquals(2, CommandRun.of("bench", empty.toString()).exitCode());
        assertEquals(
                2, CommandRun.of("bench", "--model", "huge", empty.toString()).exitCode());
    }
}

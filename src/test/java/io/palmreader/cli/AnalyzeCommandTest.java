package io.palmreader.cli;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("palmreader analyze: JSON lines for images, folders and videos")
class AnalyzeCommandTest {

    /** What one run printed and returned. */
    private record Run(int exitCode, List<JsonObject> lines, String stderr) {}

    private static Run analyze(String... args) {
        CommandRun run = CommandRun.of("analyze", args);
        List<JsonObject> lines = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            if (!line.isBlank()) {
                lines.add(new JsonObject(line));
            }
        }
        return new Run(run.exitCode(), lines, run.err());
    }

    @Test
    @DisplayName("a photo gives one JSON object with size, hands, gesture, 21 normalized landmarks and stage times")
    void onePhoto() {
        Run run = analyze(CommandRun.resource("hands/thumbs_up/mpsamples_hand_thumb_up.jpg")
                .toString());
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(1, run.lines().size());
        JsonObject line = run.lines().get(0);
        assertTrue(line.getString("file").endsWith("mpsamples_hand_thumb_up.jpg"));
        assertFalse(line.containsKey("frame"), "still images carry no frame number");
        assertEquals(640, line.getInteger("width"));
        assertEquals(521, line.getInteger("height"));
        assertTrue(line.getBoolean("detector"));
        JsonObject hand = line.getJsonArray("hands").getJsonObject(0);
        assertEquals("Thumb_Up", hand.getString("gesture"));
        assertTrue(hand.getDouble("score") >= 0.5 && hand.getDouble("score") <= 1);
        assertTrue(List.of("Left", "Right").contains(hand.getString("handedness")));
        assertTrue(hand.getDouble("presence") > 0.5);
        JsonArray landmarks = hand.getJsonArray("landmarks");
        assertEquals(21, landmarks.size());
        for (int j = 0; j < 21; j++) {
            JsonArray p = landmarks.getJsonArray(j);
            assertEquals(3, p.size());
            assertTrue(p.getDouble(0) >= 0 && p.getDouble(0) <= 1 && p.getDouble(1) >= 0 && p.getDouble(1) <= 1);
        }
        JsonObject ms = line.getJsonObject("ms");
        for (String stage : List.of("decode", "palm", "landmarks", "total")) {
            assertTrue(ms.getDouble(stage) >= 0, stage);
        }
        assertTrue(ms.getDouble("total") >= ms.getDouble("palm") + ms.getDouble("landmarks"));
    }

    @Test
    @DisplayName("a folder is searched recursively; an unreadable file is reported, the rest still analyzed, exit 1")
    void folderWithABadFile(@TempDir Path dir) throws Exception {
        Files.copy(CommandRun.resource("hands/victory/wasmedge_victory.jpg"), dir.resolve("a.jpg"));
        Files.createDirectories(dir.resolve("sub"));
        Files.copy(CommandRun.resource("hands/no_hand/tfjs_livingroom.jpg"), dir.resolve("sub/c.jpg"));
        byte[] truncated = Files.readAllBytes(CommandRun.resource("hands/thumbs_up/wasmedge_thumbs_up.jpg"));
        Files.write(dir.resolve("b.jpg"), Arrays.copyOf(truncated, truncated.length / 2));
        Files.writeString(dir.resolve("notes.txt"), "not media, skipped when walking a folder");

        Run run = analyze(dir.toString(), dir.resolve("missing.png").toString());
        assertEquals(1, run.exitCode());
        assertEquals(2, run.lines().size(), "a.jpg and sub/c.jpg");
        assertEquals(
                "Victory",
                run.lines().get(0).getJsonArray("hands").getJsonObject(0).getString("gesture"));
        assertEquals(0, run.lines().get(1).getJsonArray("hands").size());
        assertTrue(run.stderr().contains("b.jpg") && run.stderr().contains("cut short"), run.stderr());
        assertTrue(run.stderr().contains("missing.png: no such file"), run.stderr());
    }

    @Test
    @DisplayName("the thumbs-up video with --track: Closed_Fist then Thumb_Up, palm detector on at most 20% of frames")
    void videoTimelineWithTracking() {
        Run run = analyze(
                "--track",
                CommandRun.resource("hands/video/mpsamples_gesture_thumbs_up.mp4")
                        .toString());
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(
                run.lines().size() > 150,
                "every frame of the 7.8 s video: " + run.lines().size());
        int firstHand = -1;
        int detectorRuns = 0;
        List<String> perFrame = new ArrayList<>();
        for (int i = 0; i < run.lines().size(); i++) {
            JsonObject line = run.lines().get(i);
            assertEquals(i, line.getInteger("frame"));
            JsonArray hands = line.getJsonArray("hands");
            perFrame.add(hands.isEmpty() ? "-" : hands.getJsonObject(0).getString("gesture"));
            if (firstHand >= 0) {
                detectorRuns += line.getBoolean("detector") ? 1 : 0;
            } else if (!hands.isEmpty()) {
                firstHand = i;
            }
        }
        assertTrue(firstHand >= 0, "a hand is found");
        int afterFirst = run.lines().size() - firstHand - 1;
        assertTrue(
                detectorRuns <= 0.2 * afterFirst,
                "palm detector ran on " + detectorRuns + " of " + afterFirst + " frames");
        assertEquals(List.of("Closed_Fist", "Thumb_Up"), GestureTimeline.of(perFrame, 5), "timeline of " + perFrame);
    }

    @Test
    @DisplayName("--annotate writes an image of the same size with the skeleton drawn on it")
    void annotate(@TempDir Path dir) {
        Path out = dir.resolve("annotated.png");
        Run run = analyze(
                "--annotate",
                out.toString(),
                CommandRun.resource("hands/victory/wasmedge_victory.jpg").toString());
        assertEquals(0, run.exitCode(), run.stderr());
        try (Mat original = imread(CommandRun.resource("hands/victory/wasmedge_victory.jpg")
                        .toString());
                Mat annotated = imread(out.toString())) {
            assertEquals(original.cols(), annotated.cols());
            assertEquals(original.rows(), annotated.rows());
        }
    }

    @Test
    @DisplayName("usage errors exit 2 with a message: no path, unknown option, bad model")
    void usageErrors() {
        assertEquals(2, analyze().exitCode());
        Run unknown = analyze("--fast", "x.jpg");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.stderr().contains("unknown option --fast"));
        Run model = analyze("--model", "huge", "x.jpg");
        assertEquals(2, model.exitCode());
        assertTrue(model.stderr().contains("lite or full"));
    }

    /** Runs of one gesture held for at least a number of consecutive frames, in order, repeats merged. */
    static final class GestureTimeline {
        static List<String> of(List<String> perFrame, int minFrames) {
            List<String> timeline = new ArrayList<>();
            int i = 0;
            while (i < perFrame.size()) {
                int j = i;
                while (j < perFrame.size() && perFrame.get(j).equals(perFrame.get(i))) {
                    j++;
                }
                String g = perFrame.get(i);
                if (j - i >= minFrames
                        && !g.equals("-")
                        && !g.equals("None")
                        && (timeline.isEmpty()
                                || !timeline.get(timeline.size() - 1).equals(g))) {
                    timeline.add(g);
                }
                i = j;
            }
            return timeline;
        }
    }
}

package io.palmreader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("palmreader teach-eval: taught poses carry over to other webcam photos of the same pose")
class TeachEvalCommandTest {

    @Test
    @DisplayName("three recordings per counted-fingers pose: ≥ 80% of the other photos with a hand read the pose, "
            + "almost none another's, and every photo's canned label is listed")
    void countedFingers() throws Exception {
        Path dir = CommandRun.resource("teach");
        CommandRun run = CommandRun.of(
                "teach-eval", "--examples", "3", "--frames", "5", "--rounds", "3", "--json", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonObject report = new JsonObject(run.out());
        assertEquals(6, report.getJsonObject("poses").size());
        double recall = report.getDouble("recallWithHand");
        assertTrue(recall >= 0.8, "recall where a hand was found: " + recall + "\n" + report.encodePrettily());
        int labelled = report.getJsonObject("poses").stream()
                .mapToInt(e -> ((JsonObject) e.getValue()).getInteger("labelled"))
                .sum();
        // Four fingers up with the thumb folded and the open hand differ by the thumb alone: a photo of one now and
        // then reads as the other. Anything more is a regression.
        assertTrue(
                report.getInteger("wrongTaughtLabels") <= labelled / 50,
                "photos that read another pose's name: " + report.getJsonArray("wrong"));
        int photos;
        try (Stream<Path> files = Files.walk(dir)) {
            photos = (int) files.filter(f -> f.toString().endsWith(".jpg")).count();
        }
        int listed = report.getJsonObject("canned").stream()
                .mapToInt(e -> ((JsonObject) e.getValue()).size())
                .sum();
        assertEquals(photos, listed, "every photo's canned label is in the report");
    }

    @Test
    @DisplayName("the Markdown report has the recall table, the confusion table and the canned labels; none/ photos "
            + "never read a taught name")
    void markdownAndNone(@TempDir Path dir) throws Exception {
        Path teach = CommandRun.resource("teach");
        for (String pose : new String[] {"fingers_1", "fingers_2"}) {
            Files.createDirectories(dir.resolve(pose));
            try (Stream<Path> files = Files.list(teach.resolve(pose))) {
                for (Path f : files.limit(6).toList()) {
                    Files.copy(f, dir.resolve(pose).resolve(f.getFileName()));
                }
            }
        }
        Files.createDirectories(dir.resolve("none"));
        Path noHand = CommandRun.resource("hands/no_hand");
        try (Stream<Path> files = Files.list(noHand)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve("none").resolve(f.getFileName()));
            }
        }
        CommandRun run =
                CommandRun.of("teach-eval", "--examples", "2", "--frames", "5", "--rounds", "1", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        String md = run.out();
        assertTrue(md.contains("| fingers_1 | 4 |"), md);
        assertTrue(md.contains("## What each pose's photos read as"), md);
        assertTrue(md.contains("| none | 0 | 0 | 0 | 4 |"), "no-hand photos read nothing taught:\n" + md);
        assertTrue(md.contains("## Canned labels of every photo"), md);
        assertTrue(md.contains("| fingers_2 | Victory 6 |"), md);

        assertEquals(
                2,
                CommandRun.of("teach-eval", "--examples", "0", dir.toString()).exitCode());
        assertEquals(
                1, CommandRun.of("teach-eval", dir.resolve("none").toString()).exitCode(), "no pose folders");
    }
}

package io.palmreader.cli;

import io.palmreader.gesture.TeachEvaluation;
import io.palmreader.gesture.TeachEvaluation.PoseCount;
import io.palmreader.gesture.TeachEvaluation.Report;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code teach-eval}'s report, as Markdown for people and JSON for scripts. */
final class TeachEvalReport {

    private TeachEvalReport() {}

    static String markdown(Report r, Path dir) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "# Taught gestures on %s%n%n%d recording(s) per pose, each from another photo; %d round(s) of "
                        + "teaching photos drawn at random, pooled.%n%n",
                dir,
                r.examples(),
                r.rounds()));
        md.append("| pose | photos labelled | with a hand found | read as the pose | recall | recall where a hand "
                + "was found |\n|---|---:|---:|---:|---:|---:|\n");
        r.poses().forEach((pose, c) -> md.append(row(pose, c)));
        md.append(row("all", r.total())).append('\n');
        md.append(String.format(
                Locale.ROOT,
                "- Photos that read another pose's taught name: %d%n- Photos with a canned label that lost it to "
                        + "another pose's taught name: %d of %d%n- Recordings that taught nothing: %d%n%n",
                r.wrong().size(),
                r.cannedChanged(),
                r.cannedPhotos(),
                r.teachFailures()));
        for (String w : r.wrong().stream().distinct().limit(20).toList()) {
            md.append("  - ").append(w).append('\n');
        }
        md.append("\n## What each pose's photos read as\n\n");
        List<String> columns = columns(r);
        md.append("| pose |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---|");
        columns.forEach(c -> md.append("---:|"));
        md.append('\n');
        r.confusion().forEach((pose, row) -> {
            if (pose.equals("none") && row.isEmpty()) {
                return;
            }
            md.append("| ").append(pose).append(" |");
            columns.forEach(c -> md.append(' ').append(row.getOrDefault(c, 0)).append(" |"));
            md.append('\n');
        });
        md.append("\n## Canned labels of every photo\n\n| pose | canned labels (photos) |\n|---|---|\n");
        r.canned().forEach((pose, photos) -> {
            Map<String, Integer> counts = new TreeMap<>();
            photos.values().forEach(labels -> counts.merge(String.join("+", labels), 1, Integer::sum));
            List<String> parts = new ArrayList<>();
            counts.forEach((label, n) -> parts.add(label + " " + n));
            md.append("| ")
                    .append(pose)
                    .append(" | ")
                    .append(String.join(", ", parts))
                    .append(" |\n");
        });
        md.append("\n| photo | canned |\n|---|---|\n");
        r.canned()
                .forEach((pose, photos) -> photos.forEach((photo, labels) -> md.append("| ")
                        .append(pose)
                        .append('/')
                        .append(photo)
                        .append(" | ")
                        .append(String.join(", ", labels))
                        .append(" |\n")));
        return md.toString();
    }

    private static String row(String pose, PoseCount c) {
        return String.format(
                Locale.ROOT,
                "| %s | %d | %d | %d | %.0f%% | %.0f%% |%n",
                pose,
                c.labelled(),
                c.withHand(),
                c.recognised(),
                100 * c.recall(),
                100 * c.recallWithHand());
    }

    static JsonObject json(Report r) {
        JsonObject poses = new JsonObject();
        r.poses()
                .forEach((pose, c) -> poses.put(
                        pose,
                        new JsonObject()
                                .put("labelled", c.labelled())
                                .put("recognised", c.recognised())
                                .put("recall", c.recall())));
        JsonObject confusion = new JsonObject();
        r.confusion().forEach((pose, row) -> confusion.put(pose, new JsonObject(new TreeMap<>(row))));
        JsonObject canned = new JsonObject();
        r.canned().forEach((pose, photos) -> {
            JsonObject byPhoto = new JsonObject();
            photos.forEach((photo, labels) -> byPhoto.put(photo, new JsonArray(labels)));
            canned.put(pose, byPhoto);
        });
        return new JsonObject()
                .put("examples", r.examples())
                .put("rounds", r.rounds())
                .put("recall", r.recall())
                .put("recallWithHand", r.total().recallWithHand())
                .put("poses", poses)
                .put("wrongTaughtLabels", r.wrong().size())
                .put("wrong", new JsonArray(r.wrong()))
                .put("cannedChanged", r.cannedChanged())
                .put("cannedPhotos", r.cannedPhotos())
                .put("teachFailures", r.teachFailures())
                .put("confusion", confusion)
                .put("canned", canned);
    }

    private static List<String> columns(Report r) {
        List<String> columns = new ArrayList<>(r.poses().keySet());
        for (Map<String, Integer> row : r.confusion().values()) {
            for (String c : row.keySet()) {
                if (!columns.contains(c)) {
                    columns.add(c);
                }
            }
        }
        columns.remove(TeachEvaluation.NOT_TAUGHT);
        columns.remove(TeachEvaluation.NO_HAND);
        columns.add(TeachEvaluation.NOT_TAUGHT);
        columns.add(TeachEvaluation.NO_HAND);
        return columns;
    }
}

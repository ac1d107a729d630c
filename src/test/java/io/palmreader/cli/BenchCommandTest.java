package io.palmreader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's shape only: speed is measured by running the command, never asserted in a test. */
@DisplayName("palmreader bench: a Markdown report with stages, frame rates, the MediaPipe baseline and memory")
class BenchCommandTest {

  private static Path photo(String path) {
    try {
      return Path.of(BenchCommandTest.class.getClassLoader().getResource("hands/" + path).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String[] bench(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] full = new String[args.length + 1];
    full[0] = "bench";
    System.arraycopy(args, 0, full, 1, args.length);
    int code = Palmreader.run(full, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  @DisplayName("two photos, both models, two pipelines, a same-machine MediaPipe file and a short soak")
  void report(@TempDir Path dir) throws IOException {
    Path photos = Files.createDirectories(dir.resolve("photos/thumbs_up"));
    Files.copy(photo("thumbs_up/mpsamples_hand_thumb_up.jpg"), photos.resolve("a.jpg"));
    Files.copy(photo("closed_fist/roboflow_fist.png"), photos.resolve("b.png"));
    Path mediapipe = dir.resolve("results.json");
    Files.writeString(mediapipe, """
        {"chromium": "150", "summary": {"0": {"medianMs": 80.0}, "1": {"medianMs": 100.0}}}""");
    String[] run = bench("--frames", "4", "--threads", "2", "--soak", "8", "--mediapipe", mediapipe.toString(),
        dir.resolve("photos").toString());
    assertEquals("0", run[0], run[2]);
    String report = run[1];
    for (String expected : new String[] {
        "## Model lite", "## Model full", "| palm detection |", "| landmarks |",
        "| untracked (every frame searched afresh) |", "| tracked (each photo as a still video) |",
        "median 80.0 ms per photo) | 12.5 |", "median 100.0 ms per photo) | 10.0 |",
        "## Memory (full, 8 frames", "over the second half", "2 pipeline thread(s)"}) {
      assertTrue(report.contains(expected), () -> "report lacks '" + expected + "':\n" + report);
    }
  }

  @Test
  @DisplayName("a folder without photos and an unknown model are usage errors")
  void usageErrors(@TempDir Path empty) {
    assertEquals("2", bench(empty.toString())[0]);
    assertEquals("2", bench("--model", "huge", empty.toString())[0]);
  }
}

package io.palmreader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.vision.CudaDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's shape and the agreement check on the CPU; speed is measured by running the command, not here. */
@DisplayName("palmreader batchbench: frames/s and latency per batch limit, and agreement with the CPU")
class BatchBenchCommandTest {

    @Test
    @DisplayName("two batch limits, untracked and tracked, decoded ahead by two threads; the CPU agrees with itself")
    void report(@TempDir Path dir) throws IOException {
        Path photos = twoPhotos(dir);
        CommandRun run = CommandRun.of(
                "batchbench",
                "--device",
                "cpu",
                "--model",
                "lite",
                "--batch",
                "1,3",
                "--frames",
                "6",
                "--decode-threads",
                "2",
                "--compare-cpu",
                photos.toString());
        assertEquals(0, run.exitCode(), run.err());
        String report = run.out();
        for (String expected : new String[] {
            "## lite model on cpu, engine tflite",
            "| 1 | untracked |",
            "| 1 | tracked |",
            "| 3 | untracked |",
            "| 3 | tracked |",
            "2 decoding thread(s)",
            "Agreement with the CPU's TensorFlow Lite (lite, cpu tflite, 2 photos): hands 2 vs 2; landmark difference "
                    + "mean 0.00000"
        }) {
            assertTrue(report.contains(expected), () -> "report lacks '" + expected + "':\n" + report);
        }
    }

    @Test
    @DisplayName("the OpenCV engine, batched, agrees with TensorFlow Lite on the same photos")
    void openCvAgreesWithTfLite(@TempDir Path dir) throws IOException {
        Path photos = twoPhotos(dir);
        CommandRun run = CommandRun.of(
                "batchbench",
                "--device",
                "cpu",
                "--engine",
                "opencv",
                "--model",
                "full",
                "--batch",
                "2",
                "--frames",
                "4",
                "--compare-cpu",
                photos.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("## full model on cpu, engine opencv"), run.out());
        assertTrue(run.out().contains("(full, cpu opencv, 2 photos): hands 2 vs 2"), run.out());
        assertTrue(run.out().contains("; agrees."), run.out());
    }

    /** A thumbs-up and a victory photo in a folder of their own. */
    private static Path twoPhotos(Path dir) throws IOException {
        Path photos = Files.createDirectories(dir.resolve("photos"));
        Files.copy(CommandRun.resource("hands/thumbs_up/mpsamples_hand_thumb_up.jpg"), photos.resolve("a.jpg"));
        Files.copy(CommandRun.resource("hands/victory/wasmedge_victory.jpg"), photos.resolve("b.jpg"));
        return photos;
    }

    @Test
    @DisplayName("asking for a GPU or fp16 that is not there is a usage error, not a silent CPU run")
    void missingDevice() {
        CommandRun fp16 = CommandRun.of("batchbench", "--device", "cpu", "--precision", "fp16", "missing.jpg");
        assertEquals(2, fp16.exitCode());
        assertTrue(fp16.err().contains("fp16 needs a CUDA device"), fp16.err());
        // One past the host's last device: absent on a machine without CUDA (device 0) and on one with GPUs alike.
        int absent = CudaDevices.probe().devices().stream()
                        .mapToInt(CudaDevices.Device::index)
                        .max()
                        .orElse(-1)
                + 1;
        CommandRun cuda = CommandRun.of("batchbench", "--device", "cuda:" + absent, "missing.jpg");
        assertEquals(2, cuda.exitCode());
        assertTrue(cuda.err().contains("no CUDA device " + absent), cuda.err());
    }
}

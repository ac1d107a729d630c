package io.palmreader.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_core;

/** One line naming the machine a measurement ran on, so figures are never quoted without it. */
final class MachineDescription {

    private MachineDescription() {}

    static String describe() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: keep "unknown CPU"
        }
        return String.format(
                Locale.ROOT,
                "Machine: %s, %d cores available, %.0f GiB memory; Java %s; OpenCV %s with %d threads.",
                cpu,
                Runtime.getRuntime().availableProcessors(),
                totalMemoryGiB(),
                System.getProperty("java.version"),
                opencv_core.CV_VERSION(),
                opencv_core.getNumThreads());
    }

    private static double totalMemoryGiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1048576.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}

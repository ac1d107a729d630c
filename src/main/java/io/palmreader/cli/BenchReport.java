package io.palmreader.cli;

import static io.palmreader.cli.StageSamples.percentile;

import io.palmreader.vision.EngineKind;
import io.palmreader.vision.ModelVariant;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The Markdown tables of {@code bench}: per engine and model, and the engines side by side. */
final class BenchReport {

    /** One engine and model's figures, for the closing comparison. */
    record Summary(
            EngineKind engine,
            ModelVariant model,
            StageSamples untracked,
            StageSamples tracked,
            MediaPipeBaseline baseline) {}

    private final PrintStream out;

    BenchReport(PrintStream out) {
        this.out = out;
    }

    /**
     * The engines side by side: each network's own time per frame (palm detection on frames searched afresh,
     * landmarks on tracked frames, whose single hand gives one crop each) and the pipeline's frames/s.
     */
    void compare(List<Summary> summaries) {
        out.println("## Engines compared");
        out.println();
        out.println("| model | engine | palm detection p50 / p99 ms | landmarks p50 / p99 ms | untracked frames/s | "
                + "tracked frames/s | untracked vs MediaPipe | tracked vs MediaPipe |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (Summary s : summaries) {
            double mediaPipeFps = s.baseline().ms() > 0 ? 1000 / s.baseline().ms() : 0;
            out.printf(
                    Locale.ROOT,
                    "| %s | %s | %.2f / %.2f | %.2f / %.2f | %.1f | %.1f | %s | %s |%n",
                    s.model().id(),
                    s.engine().id(),
                    percentile(s.untracked().palm(), 50),
                    percentile(s.untracked().palm(), 99),
                    percentile(s.tracked().landmarks(), 50),
                    percentile(s.tracked().landmarks(), 99),
                    s.untracked().framesPerSecond(),
                    s.tracked().framesPerSecond(),
                    mediaPipeFps > 0
                            ? String.format(Locale.ROOT, "%.2f×", s.untracked().framesPerSecond() / mediaPipeFps)
                            : "–",
                    mediaPipeFps > 0
                            ? String.format(Locale.ROOT, "%.2f×", s.tracked().framesPerSecond() / mediaPipeFps)
                            : "–");
        }
        out.println();
    }

    void stages(Summary s) {
        StageSamples untracked = s.untracked();
        StageSamples tracked = s.tracked();
        out.printf("## Model %s, engine %s%n%n", s.model().id(), s.engine().id());
        out.println("| stage | untracked p50 ms | untracked p99 ms | tracked p50 ms | tracked p99 ms |");
        out.println("|---|---:|---:|---:|---:|");
        row("decode", untracked.decode(), tracked.decode());
        row("palm detection", untracked.palm(), tracked.palm());
        row("landmarks", untracked.landmarks(), tracked.landmarks());
        row("classify", untracked.classify(), tracked.classify());
        row("total", untracked.total(), tracked.total());
        out.println();
        double mediaPipeMs = s.baseline().ms();
        out.printf(Locale.ROOT, "| run | frames/s | palm detector ran on |%n|---|---:|---:|%n");
        out.printf(
                Locale.ROOT,
                "| untracked (every frame searched afresh) | %.1f | %.0f%% |%n",
                untracked.framesPerSecond(),
                100 * untracked.detectorShare());
        out.printf(
                Locale.ROOT,
                "| tracked (each photo as a still video) | %.1f | %.0f%% |%n",
                tracked.framesPerSecond(),
                100 * tracked.detectorShare());
        if (mediaPipeMs > 0) {
            double mediaPipeFps = 1000 / mediaPipeMs;
            out.printf(
                    Locale.ROOT,
                    "| MediaPipe WASM (%s, median %.1f ms per photo) | %.1f | 100%% |%n",
                    s.baseline().source(),
                    mediaPipeMs,
                    mediaPipeFps);
            out.printf(
                    Locale.ROOT,
                    "%nUntracked: %.2f× MediaPipe's frames/s; tracked: %.2f×.%n",
                    untracked.framesPerSecond() / mediaPipeFps,
                    tracked.framesPerSecond() / mediaPipeFps);
        }
        out.println();
    }

    private void row(String stage, double[] untracked, double[] tracked) {
        out.printf(
                Locale.ROOT,
                "| %s | %.2f | %.2f | %.2f | %.2f |%n",
                stage,
                percentile(untracked, 50),
                percentile(untracked, 99),
                percentile(tracked, 50),
                percentile(tracked, 99));
    }
}

package io.palmreader.cli;

import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import io.palmreader.vision.TrackingState;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The memory part of {@code bench}: one pipeline through thousands of frames, resident memory sampled as it goes. */
final class MemorySoak {

    private MemorySoak() {}

    /**
     * Resident memory through a long run, sampled five times after a warm-up: native memory that is never released
     * shows up as steady growth. The allocator keeps growing its arenas for a while as frames of different sizes
     * come and go, so the verdict is the growth over the second half, once that has settled. JavaCPP's own count of
     * live native allocations is reported beside it.
     */
    static void run(
            PrintStream out,
            PrintStream err,
            EngineOptions engine,
            ModelVariant model,
            List<byte[]> photos,
            int frames) {
        err.printf("memory, %s: %d frames…%n", engine.kind().id(), frames);
        try (HandPipeline pipeline = new HandPipeline(PipelineOptions.defaults().withModel(model), engine)) {
            TrackingState[] states = new TrackingState[photos.size()];
            Arrays.fill(states, TrackingState.NONE);
            // Up to 500 frames, so that a short check stays short.
            int warmup = Math.min(500, Math.max(1, frames / 4));
            for (int i = 0; i < warmup; i++) {
                pipeline.process(List.of(new FrameRequest(photos.get(i % photos.size()), TrackingState.NONE)));
            }
            out.printf(
                    "## Memory (%s, engine %s, %d frames after %d warm-up frames)%n%n",
                    model.id(), engine.kind().id(), frames, warmup);
            out.println("| frames | resident MiB | JavaCPP native MiB | heap used MiB |");
            out.println("|---:|---:|---:|---:|");
            long first = memoryRow(out, 0);
            long last = first;
            long half = first;
            int quarter = Math.max(1, frames / 4);
            for (int i = 0; i < frames; i++) {
                int k = i % photos.size();
                // Alternate searched and tracked frames so both paths allocate and free.
                TrackingState state = (i / photos.size()) % 2 == 0 ? TrackingState.NONE : states[k];
                states[k] = pipeline.process(List.of(new FrameRequest(photos.get(k), state)))
                        .get(0)
                        .tracking();
                if ((i + 1) % quarter == 0 || i + 1 == frames) {
                    last = memoryRow(out, i + 1);
                    if (i + 1 == 2 * quarter) {
                        half = last;
                    }
                }
            }
            out.printf(
                    Locale.ROOT,
                    "%nResident set: %+.1f MiB from first to last sample; %+.1f MiB (%+.2f%%) over the second half.%n%n",
                    (last - first) / 1048576.0,
                    (last - half) / 1048576.0,
                    100.0 * (last - half) / half);
        }
    }

    private static long memoryRow(PrintStream out, int frames) {
        long resident = ProcessMemory.residentBytes();
        Runtime rt = Runtime.getRuntime();
        out.printf(
                Locale.ROOT,
                "| %d | %.1f | %.1f | %.1f |%n",
                frames,
                resident / 1048576.0,
                org.bytedeco.javacpp.Pointer.totalBytes() / 1048576.0,
                (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        return resident;
    }
}

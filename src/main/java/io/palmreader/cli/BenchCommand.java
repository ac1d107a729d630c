package io.palmreader.cli;

import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.EngineKind;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.ModelLoadException;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import io.palmreader.vision.TrackingState;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.global.opencv_core;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bench PATH...}: measures the pipeline on photos and prints a Markdown report: per-stage p50/p99, frames/s
 * searching every frame afresh (untracked) and following hands between frames (tracked), MediaPipe's own time for
 * the same photos when a reference file is at hand, and resident memory across a long run.
 */
@Command(
        name = "bench",
        sortOptions = false,
        sortSynopsis = false,
        header = "measure the pipeline on photos (per-stage percentiles, frames/s, memory)",
        description = {"PATH is a photo or a folder of photos. Prints a Markdown report on stdout."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--model",
            paramLabel = "lite|full|both",
            defaultValue = "both",
            description = "models to measure (default ${DEFAULT-VALUE})")
    private String model;

    @Option(
            names = "--engine",
            paramLabel = "E",
            defaultValue = "auto",
            description =
                    "tflite, opencv, both (each in turn, compared at the end) or auto (tflite); default ${DEFAULT-VALUE}")
    private String engine;

    @Option(
            names = "--frames",
            paramLabel = "N",
            defaultValue = "300",
            description = "frames per measurement (default ${DEFAULT-VALUE})")
    private int frames;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "1",
            description = "frames per pipeline call (default ${DEFAULT-VALUE})")
    private int batch;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "pipelines running side by side, one per thread, each on its own photos (default ${DEFAULT-VALUE})")
    private int threads;

    @Option(
            names = "--engine-threads",
            paramLabel = "N",
            description = "threads each pipeline's engine uses: TensorFlow Lite's XNNPACK threads, or OpenCV's "
                    + "(process-wide); default: the cores shared out among the pipelines")
    private Integer engineThreadsGiven;

    @Option(
            names = "--soak",
            paramLabel = "N",
            defaultValue = "2000",
            description = "frames for the memory check, per engine (default ${DEFAULT-VALUE}; 0 = skip)")
    private int soak;

    @Option(
            names = "--reference",
            paramLabel = "FILE",
            description = "MediaPipe's reference.json for the same photos (default: PATH/reference.json)")
    private Path referenceFile;

    @Option(
            names = "--mediapipe",
            paramLabel = "FILE",
            description = "results.json of scripts/mediapipe-bench, MediaPipe timed on this machine: compared against "
                    + "instead of the reference's times, which come from another machine")
    private Path mediapipeFile;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "photos and folders of photos")
    private List<String> paths;

    private static final int WARMUP_ROUNDS = 3;

    private final PrintStream out;
    private final PrintStream err;

    BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        List<ModelVariant> models;
        try {
            models = model.equals("both")
                    ? List.of(ModelVariant.LITE, ModelVariant.FULL)
                    : List.of(ModelVariant.parse(model));
        } catch (IllegalArgumentException e) {
            throw OptionValues.usage(spec, "--model must be lite, full or both, was '" + model + "'");
        }
        OptionValues.within(spec, "--frames", frames, 1, 1_000_000);
        OptionValues.within(spec, "--batch", batch, 1, 1024);
        OptionValues.within(spec, "--threads", threads, 1, 256);
        int engineThreads = OptionValues.within(
                spec,
                "--engine-threads",
                engineThreadsGiven != null
                        ? engineThreadsGiven
                        : Math.max(1, Runtime.getRuntime().availableProcessors() / threads),
                1,
                256);
        List<EngineOptions> engines = new ArrayList<>();
        if (engine.equals("both")) {
            engines.add(new EngineOptions(EngineKind.TFLITE, ComputeTarget.CPU, engineThreads));
            engines.add(new EngineOptions(EngineKind.OPENCV, ComputeTarget.CPU, engineThreads));
        } else {
            engines.add(OptionValues.engine(spec, engine, ComputeTarget.CPU, engineThreads));
        }
        OptionValues.within(spec, "--soak", soak, 0, 10_000_000);
        List<BenchPhoto> photos = BenchPhoto.load(paths);
        if (photos.isEmpty()) {
            throw OptionValues.usage(spec, "no JPEG or PNG photos under " + paths);
        }
        JsonObject reference = loadReference(referenceFile, paths);
        JsonObject measuredHere = mediapipeFile != null ? readJson(mediapipeFile) : null;

        out.println("# Palmreader benchmark");
        out.println();
        out.println(MachineDescription.describe());
        // OpenCV's pool is process-wide: each pipeline gets its share of the cores instead of all contending for it.
        opencv_core.setNumThreads(engineThreads);
        out.printf(
                Locale.ROOT,
                "%d photos, %d frames per measurement, batch %d, %d pipeline thread(s), %d engine thread(s) "
                        + "each.%n%n",
                photos.size(),
                frames,
                batch,
                threads,
                engineThreads);
        List<BenchReport.Summary> summaries = new ArrayList<>();
        try {
            for (EngineOptions engine : engines) {
                for (ModelVariant m : models) {
                    summaries.add(measure(
                            engine,
                            m,
                            photos,
                            frames,
                            batch,
                            threads,
                            MediaPipeBaseline.of(m, reference, measuredHere, photos)));
                }
            }
            if (summaries.size() > 1) {
                new BenchReport(out).compare(summaries);
            }
            for (EngineOptions engine : soak > 0 ? engines : List.<EngineOptions>of()) {
                MemorySoak.run(out, err, engine, models.get(models.size() - 1), BenchPhoto.bytes(photos), soak);
            }
            TaughtGestureBench.run(out, engines.get(0), models.get(models.size() - 1), BenchPhoto.bytes(photos));
        } catch (ModelLoadException e) {
            err.println("palmreader bench: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private BenchReport.Summary measure(
            EngineOptions engine,
            ModelVariant model,
            List<BenchPhoto> photos,
            int frames,
            int batch,
            int threads,
            MediaPipeBaseline baseline) {
        List<HandPipeline> pipelines = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                pipelines.add(new HandPipeline(PipelineOptions.defaults().withModel(model), engine));
            }
            out.printf("Engine: %s.%n%n", pipelines.get(0).engineDescription());
            for (HandPipeline pipeline : pipelines) {
                for (int r = 0; r < WARMUP_ROUNDS; r++) {
                    for (BenchPhoto p : photos) {
                        pipeline.process(List.of(new FrameRequest(p.bytes(), TrackingState.NONE)));
                    }
                }
            }
            err.printf("%s %s: untracked…%n", engine.kind().id(), model.id());
            List<byte[]> bytes = BenchPhoto.bytes(photos);
            StageSamples untracked = StageBench.runParallel(pipelines, bytes, frames, batch, false);
            err.printf("%s %s: tracked…%n", engine.kind().id(), model.id());
            StageSamples tracked = StageBench.runParallel(pipelines, bytes, frames, batch, true);
            BenchReport.Summary summary = new BenchReport.Summary(engine.kind(), model, untracked, tracked, baseline);
            new BenchReport(out).stages(summary);
            return summary;
        } finally {
            pipelines.forEach(HandPipeline::close);
        }
    }

    private JsonObject loadReference(Path explicit, List<String> paths) {
        Path file = explicit;
        if (file == null) {
            for (String p : paths) {
                Path candidate = Path.of(p).resolve("reference.json");
                if (Files.isRegularFile(candidate)) {
                    file = candidate;
                    break;
                }
            }
        }
        return file == null ? null : readJson(file);
    }

    private JsonObject readJson(Path file) {
        try {
            return new JsonObject(Files.readString(file));
        } catch (IOException | io.vertx.core.json.DecodeException e) {
            throw OptionValues.usage(spec, "cannot read " + file + ": " + e.getMessage());
        }
    }
}

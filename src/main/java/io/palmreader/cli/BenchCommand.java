package io.palmreader.cli;

import io.palmreader.observability.Latencies;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.EngineKind;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.FrameResult;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.ModelLoadException;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import io.palmreader.vision.StageTimings;
import io.palmreader.vision.TrackingState;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
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

    /** Stage samples for one measurement. */
    private record Samples(
            double[] decode,
            double[] palm,
            double[] landmarks,
            double[] classify,
            double[] total,
            double framesPerSecond,
            double detectorShare) {}

    /** A photo and its name relative to the folder it came from (the key in reference.json). */
    private record Photo(String key, byte[] bytes) {}

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
        List<Photo> photos = loadPhotos(paths);
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
        List<Summary> summaries = new ArrayList<>();
        try {
            for (EngineOptions engine : engines) {
                for (ModelVariant m : models) {
                    summaries.add(measure(
                            engine, m, photos, frames, batch, threads, baseline(m, reference, measuredHere, photos)));
                }
            }
            if (summaries.size() > 1) {
                compare(summaries);
            }
            for (EngineOptions engine : soak > 0 ? engines : List.<EngineOptions>of()) {
                MemorySoak.run(out, err, engine, models.get(models.size() - 1), photoBytes(photos), soak);
            }
            TaughtGestureBench.run(out, engines.get(0), models.get(models.size() - 1), photoBytes(photos));
        } catch (ModelLoadException e) {
            err.println("palmreader bench: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /** One engine and model's figures, for the closing comparison. */
    private record Summary(
            EngineKind engine, ModelVariant model, Samples untracked, Samples tracked, Baseline baseline) {}

    private Summary measure(
            EngineOptions engine,
            ModelVariant model,
            List<Photo> photos,
            int frames,
            int batch,
            int threads,
            Baseline baseline) {
        List<HandPipeline> pipelines = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                pipelines.add(new HandPipeline(PipelineOptions.defaults().withModel(model), engine));
            }
            out.printf("Engine: %s.%n%n", pipelines.get(0).engineDescription());
            for (HandPipeline pipeline : pipelines) {
                for (int r = 0; r < WARMUP_ROUNDS; r++) {
                    for (Photo p : photos) {
                        pipeline.process(List.of(new FrameRequest(p.bytes(), TrackingState.NONE)));
                    }
                }
            }
            err.printf("%s %s: untracked…%n", engine.kind().id(), model.id());
            Samples untracked = runParallel(pipelines, photos, frames, batch, false);
            err.printf("%s %s: tracked…%n", engine.kind().id(), model.id());
            Samples tracked = runParallel(pipelines, photos, frames, batch, true);
            report(engine.kind(), model, baseline, untracked, tracked);
            return new Summary(engine.kind(), model, untracked, tracked, baseline);
        } finally {
            pipelines.forEach(HandPipeline::close);
        }
    }

    /** MediaPipe's median time per photo and where it was measured; {@code ms <= 0} when unknown. */
    private record Baseline(String source, double ms) {}

    private static Baseline baseline(
            ModelVariant model, JsonObject reference, JsonObject measuredHere, List<Photo> photos) {
        if (measuredHere != null) {
            String complexity = model == ModelVariant.FULL ? "1" : "0";
            JsonObject summary =
                    measuredHere.getJsonObject("summary", new JsonObject()).getJsonObject(complexity);
            if (summary != null && summary.getValue("medianMs") instanceof Number ms) {
                return new Baseline(
                        "measured on this machine, Chromium " + measuredHere.getString("chromium", "?"),
                        ms.doubleValue());
            }
            return new Baseline("not in the --mediapipe file", -1);
        }
        return new Baseline("reference.json, another machine", mediaPipeMedianMs(reference, model, photos));
    }

    /**
     * The engines side by side: each network's own time per frame (palm detection on frames searched afresh,
     * landmarks on tracked frames, whose single hand gives one crop each) and the pipeline's frames/s.
     */
    private void compare(List<Summary> summaries) {
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

    private void report(EngineKind engine, ModelVariant model, Baseline baseline, Samples untracked, Samples tracked) {
        out.printf("## Model %s, engine %s%n%n", model.id(), engine.id());
        out.println("| stage | untracked p50 ms | untracked p99 ms | tracked p50 ms | tracked p99 ms |");
        out.println("|---|---:|---:|---:|---:|");
        row("decode", untracked.decode(), tracked.decode());
        row("palm detection", untracked.palm(), tracked.palm());
        row("landmarks", untracked.landmarks(), tracked.landmarks());
        row("classify", untracked.classify(), tracked.classify());
        row("total", untracked.total(), tracked.total());
        out.println();
        double mediaPipeMs = baseline.ms();
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
                    baseline.source(),
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

    /** Splits the photos among the pipelines, runs them side by side and merges their samples. */
    private Samples runParallel(
            List<HandPipeline> pipelines, List<Photo> photos, int frames, int batch, boolean track) {
        if (pipelines.size() == 1) {
            return run(pipelines.get(0), photos, frames, batch, track);
        }
        int n = pipelines.size();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Samples>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < n; t++) {
                List<Photo> share = new ArrayList<>();
                for (int i = t; i < photos.size(); i += n) {
                    share.add(photos.get(i));
                }
                HandPipeline pipeline = pipelines.get(t);
                int count = frames / n + (t < frames % n ? 1 : 0);
                futures.add(pool.submit(() -> run(pipeline, share.isEmpty() ? photos : share, count, batch, track)));
            }
            List<Samples> parts = new ArrayList<>();
            for (Future<Samples> f : futures) {
                parts.add(f.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double detector = 0;
            for (Samples p : parts) {
                detector += p.detectorShare() * p.total().length;
            }
            return new Samples(
                    concat(parts, Samples::decode),
                    concat(parts, Samples::palm),
                    concat(parts, Samples::landmarks),
                    concat(parts, Samples::classify),
                    concat(parts, Samples::total),
                    frames / seconds,
                    detector / frames);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("benchmark thread failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[] concat(List<Samples> parts, Function<Samples, double[]> stage) {
        return parts.stream()
                .flatMapToDouble(p -> Arrays.stream(stage.apply(p)))
                .toArray();
    }

    /**
     * Untracked: photos in turn, each searched afresh. Tracked: each photo becomes a stream of identical frames
     * carrying its tracking state, as a still camera would give.
     */
    private Samples run(HandPipeline pipeline, List<Photo> photos, int frames, int batch, boolean track) {
        double[] decode = new double[frames];
        double[] palm = new double[frames];
        double[] landmarks = new double[frames];
        double[] classify = new double[frames];
        double[] total = new double[frames];
        TrackingState[] states = new TrackingState[photos.size()];
        Arrays.fill(states, TrackingState.NONE);
        int detectorRuns = 0;
        int done = 0;
        int next = 0;
        long start = System.nanoTime();
        while (done < frames) {
            int n = Math.min(batch, frames - done);
            List<FrameRequest> requests = new ArrayList<>(n);
            int[] which = new int[n];
            for (int i = 0; i < n; i++) {
                which[i] = next;
                requests.add(new FrameRequest(photos.get(next).bytes(), track ? states[next] : TrackingState.NONE));
                next = (next + 1) % photos.size();
            }
            List<FrameResult> results = pipeline.process(requests);
            for (int i = 0; i < n; i++) {
                FrameResult r = results.get(i);
                StageTimings t = r.timings();
                decode[done] = t.decodeMs();
                palm[done] = t.palmMs();
                landmarks[done] = t.landmarksMs();
                classify[done] = t.classifyMs();
                total[done] = t.totalMs();
                detectorRuns += r.detectorRan() ? 1 : 0;
                states[which[i]] = r.tracking();
                done++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Samples(decode, palm, landmarks, classify, total, frames / seconds, (double) detectorRuns / frames);
    }

    private static List<byte[]> photoBytes(List<Photo> photos) {
        return photos.stream().map(Photo::bytes).toList();
    }

    private static double mediaPipeMedianMs(JsonObject reference, ModelVariant model, List<Photo> photos) {
        if (reference == null) {
            return -1;
        }
        String complexity = model == ModelVariant.FULL ? "complexity1" : "complexity0";
        JsonObject images = reference.getJsonObject("images", new JsonObject());
        List<Double> ms = new ArrayList<>();
        for (Photo p : photos) {
            JsonObject image = images.getJsonObject(p.key());
            if (image != null
                    && image.getJsonObject(complexity) != null
                    && image.getJsonObject(complexity).getValue("ms") != null) {
                ms.add(image.getJsonObject(complexity).getDouble("ms"));
            }
        }
        if (ms.isEmpty()) {
            return -1;
        }
        return percentile(ms.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    }

    static double percentile(double[] values, double p) {
        return Latencies.of(values).percentile(p);
    }

    private static List<Photo> loadPhotos(List<String> paths) {
        List<Photo> photos = new ArrayList<>();
        for (String p : paths) {
            Path root = Path.of(p);
            for (Path file : MediaFiles.expand(List.of(p))) {
                if (!MediaFiles.isImage(file)) {
                    continue;
                }
                String key = Files.isDirectory(root)
                        ? root.relativize(file).toString()
                        : file.getFileName().toString();
                try {
                    photos.add(new Photo(key, Files.readAllBytes(file)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        return photos;
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

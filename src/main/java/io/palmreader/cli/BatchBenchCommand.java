package io.palmreader.cli;

import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.CudaDevices;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.ModelLoadException;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code batchbench PATH...}: the pipeline as a batching inference worker runs it (on a GPU or the CPU): decoding
 * threads feed one pipeline thread, which takes up to B decoded frames at a time through both networks. Prints,
 * per model, precision and batch limit, frames/s and per-frame latency percentiles, for frames searched afresh and
 * for tracked streams; optionally how far the target's landmarks are from the CPU's on the same photos.
 */
@Command(
        name = "batchbench",
        sortOptions = false,
        sortSynopsis = false,
        header = "measure batched inference as a GPU (or CPU) worker runs it, per batch limit and precision",
        description = {
            "PATH is a photo or a folder of photos. Decoding threads feed one pipeline thread, which takes up "
                    + "to the batch limit at a time. Prints a Markdown report on stdout: frames/s and per-frame latency "
                    + "percentiles per model, precision and batch limit; with --compare-cpu, the landmarks' agreement with the "
                    + "CPU."
        })
final class BatchBenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--device",
            paramLabel = "cpu|cuda|cuda:N",
            description = "where the networks run (default cuda:0 when CUDA is there, else cpu)")
    private String deviceGiven;

    @Option(
            names = "--precision",
            paramLabel = "LIST",
            defaultValue = "fp32",
            description = "fp32, fp16 or both, comma-separated (default ${DEFAULT-VALUE}; fp16 only on CUDA)")
    private String precisionChoice;

    @Option(
            names = "--engine",
            paramLabel = "E",
            defaultValue = "auto",
            description = "tflite, opencv or auto (tflite on the CPU, opencv on CUDA); default ${DEFAULT-VALUE}")
    private String engineChoice;

    @Option(
            names = "--model",
            paramLabel = "LIST",
            defaultValue = "both",
            description = "lite, full or both (default ${DEFAULT-VALUE})")
    private String modelChoice;

    @Option(
            names = "--batch",
            paramLabel = "LIST",
            defaultValue = "1,8,16,32,64",
            description = "batch limits, comma-separated (default ${DEFAULT-VALUE})")
    private String batchLimits;

    @Option(
            names = "--frames",
            paramLabel = "N",
            defaultValue = "2000",
            description = "frames per measurement (default ${DEFAULT-VALUE})")
    private int frames;

    @Option(
            names = "--decode-threads",
            paramLabel = "N",
            description = "threads decoding ahead of the pipeline thread (default: cores - 1, at least 1)")
    private Integer decodeThreadsGiven;

    @Option(
            names = "--compare-cpu",
            description =
                    "also run every photo on the CPU's TensorFlow Lite and report the landmarks' difference; exits 3 "
                            + "when the mean exceeds 0.005 (normalized)")
    private boolean compareCpu;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "photos and folders of photos")
    private List<String> paths;

    private final PrintStream out;
    private final PrintStream err;

    BatchBenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        CudaDevices cuda = CudaDevices.probe();
        int device = device(deviceGiven != null ? deviceGiven : cuda.available() ? "cuda:0" : "cpu", cuda);
        List<Boolean> precisions = new ArrayList<>();
        for (String p : list(precisionChoice)) {
            switch (p) {
                case "fp32" -> precisions.add(false);
                case "fp16" -> precisions.add(true);
                case "both" -> precisions.addAll(List.of(false, true));
                default -> throw OptionValues.usage(spec, "--precision must be fp32, fp16 or both, was '" + p + "'");
            }
        }
        if (device < 0 && precisions.contains(true)) {
            throw OptionValues.usage(spec, "--precision fp16 needs a CUDA device");
        }
        List<ModelVariant> models = new ArrayList<>();
        for (String m : list(modelChoice)) {
            try {
                models.addAll(
                        m.equals("both")
                                ? List.of(ModelVariant.LITE, ModelVariant.FULL)
                                : List.of(ModelVariant.parse(m)));
            } catch (IllegalArgumentException e) {
                throw OptionValues.usage(spec, "--model must be lite, full or both, was '" + m + "'");
            }
        }
        List<Integer> batches = new ArrayList<>();
        for (String b : list(batchLimits)) {
            try {
                batches.add(Integer.parseInt(b));
            } catch (NumberFormatException e) {
                throw OptionValues.usage(spec, "--batch must list whole numbers, was '" + b + "'");
            }
            if (batches.get(batches.size() - 1) < 1 || batches.get(batches.size() - 1) > 1024) {
                throw OptionValues.usage(spec, "--batch limits must be between 1 and 1024");
            }
        }
        OptionValues.within(spec, "--frames", frames, 1, 10_000_000);
        int decodeThreads = OptionValues.within(
                spec,
                "--decode-threads",
                decodeThreadsGiven != null
                        ? decodeThreadsGiven
                        : Math.max(1, Runtime.getRuntime().availableProcessors() - 1),
                1,
                256);
        List<byte[]> photos = loadPhotos(paths);
        if (photos.isEmpty()) {
            throw OptionValues.usage(spec, "no JPEG or PNG photos under " + paths);
        }

        out.println("# Palmreader batched pipeline benchmark");
        out.println();
        out.println(MachineDescription.describe());
        out.println(
                device >= 0
                        ? "Device: " + CudaDevices.describe(device) + "."
                        : "Device: CPU (" + (cuda.available() ? "chosen" : cuda.absentReason()) + ").");
        out.printf(
                Locale.ROOT,
                "%d photos, %d frames per measurement, %d decoding thread(s) feeding one pipeline thread.%n%n",
                photos.size(),
                frames,
                decodeThreads);
        int status = 0;
        try {
            for (ModelVariant model : models) {
                for (boolean fp16 : precisions) {
                    ComputeTarget target = device >= 0 ? ComputeTarget.cuda(device, fp16) : ComputeTarget.CPU;
                    EngineOptions engine = OptionValues.engine(spec, engineChoice, target, 1);
                    measure(model, engine, photos, batches, frames, decodeThreads);
                    if (compareCpu && CpuAgreement.check(out, model, engine, photos) > CpuAgreement.LIMIT) {
                        status = 3;
                    }
                }
            }
        } catch (ModelLoadException e) {
            err.println("palmreader batchbench: " + e.getMessage());
            return 1;
        }
        return status;
    }

    private int device(String choice, CudaDevices cuda) {
        if (choice.equals("cpu")) {
            return -1;
        }
        int index;
        if (choice.equals("cuda")) {
            index = 0;
        } else if (choice.startsWith("cuda:")) {
            try {
                index = Integer.parseInt(choice.substring(5));
            } catch (NumberFormatException e) {
                throw OptionValues.usage(spec, "--device must be cpu, cuda or cuda:N, was '" + choice + "'");
            }
        } else {
            throw OptionValues.usage(spec, "--device must be cpu, cuda or cuda:N, was '" + choice + "'");
        }
        int finalIndex = index;
        if (cuda.devices().stream().noneMatch(d -> d.index() == finalIndex)) {
            throw OptionValues.usage(
                    spec, "no CUDA device " + index + ": " + (cuda.available() ? cuda.devices() : cuda.absentReason()));
        }
        return index;
    }

    private void measure(
            ModelVariant model,
            EngineOptions engine,
            List<byte[]> photos,
            List<Integer> batches,
            int frames,
            int decodeThreads) {
        ComputeTarget target = engine.target();
        out.printf(
                "## %s model on %s, engine %s%n%n",
                model.id(), target, engine.kind().id());
        out.println(
                "| batch limit | run | frames/s | latency p50 ms | latency p99 ms | decode p50 ms | batch compute p50 ms |");
        out.println("|---:|---|---:|---:|---:|---:|---:|");
        target.bindThread();
        try (HandPipeline pipeline = new HandPipeline(PipelineOptions.defaults().withModel(model), engine)) {
            out.printf("Engine: %s.%n%n", pipeline.engineDescription());
            for (int batch : batches) {
                for (boolean tracked : new boolean[] {false, true}) {
                    err.printf(
                            Locale.ROOT,
                            "%s %s batch %d %s…%n",
                            model.id(),
                            target,
                            batch,
                            tracked ? "tracked" : "untracked");
                    BatchedRun r = BatchedRun.measure(pipeline, photos, batch, frames, decodeThreads, tracked);
                    out.printf(
                            Locale.ROOT,
                            "| %d | %s | %.0f | %.2f | %.2f | %.2f | %.2f |%n",
                            batch,
                            tracked ? "tracked" : "untracked",
                            r.framesPerSecond(),
                            StageSamples.percentile(r.latencyMs(), 50),
                            StageSamples.percentile(r.latencyMs(), 99),
                            StageSamples.percentile(r.decodeMs(), 50),
                            StageSamples.percentile(r.batchMs(), 50));
                }
            }
        }
        out.println();
        out.println(
                "Latency: from a frame's decoding start to its batch's results, with the pipeline thread always busy "
                        + "(decode, the batch in progress, its own batch): what a frame sees when the worker runs at capacity.");
        out.println();
    }

    private static List<String> list(String value) {
        List<String> parts = new ArrayList<>();
        for (String p : value.split(",")) {
            if (!p.isBlank()) {
                parts.add(p.trim().toLowerCase(Locale.ROOT));
            }
        }
        return parts;
    }

    private List<byte[]> loadPhotos(List<String> paths) {
        List<byte[]> photos = new ArrayList<>();
        for (Path file : MediaFiles.expand(paths)) {
            if (MediaFiles.isImage(file)) {
                try {
                    photos.add(Files.readAllBytes(file));
                } catch (IOException e) {
                    throw OptionValues.usage(spec, "cannot read " + file + ": " + e.getMessage());
                }
            }
        }
        return photos;
    }
}

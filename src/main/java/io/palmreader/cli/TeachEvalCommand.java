package io.palmreader.cli;

import io.palmreader.gesture.GestureRecording;
import io.palmreader.gesture.TeachEvaluation;
import io.palmreader.gesture.TeachEvaluation.Photo;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.FrameResult;
import io.palmreader.vision.Hand;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.ModelLoadException;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import io.palmreader.vision.TrackingState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code teach-eval DIR}: how well gestures taught by example carry over to other photos of the same pose. DIR has one
 * folder of photos per pose, and optionally {@code none/} (or {@code no_hand/}) of photos that show no pose; see
 * {@link TeachEvaluation}. Prints a Markdown report, or JSON with {@code --json}.
 */
@Command(
        name = "teach-eval",
        sortOptions = false,
        sortSynopsis = false,
        header = "measure how taught gestures carry over to other photos of the same pose",
        description = {
            "DIR has one folder of photos (JPEG, PNG) per pose, and optionally none/ (or no_hand/) with photos of no "
                    + "pose. For each pose K recordings are taught from K of its photos (each recorded as a session "
                    + "would: N frames, searched afresh and then followed), then every other photo is labelled. Prints "
                    + "recall per pose, photos that took another pose's name, canned labels lost, a confusion table and "
                    + "every photo's canned label."
        })
final class TeachEvalCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--examples",
            paramLabel = "K",
            defaultValue = "3",
            description = "recordings taught per pose, each from another photo, 1 to 64 (default ${DEFAULT-VALUE})")
    private int examples;

    @Option(
            names = "--frames",
            paramLabel = "N",
            defaultValue = "10",
            description = "frames per recording, " + GestureRecording.MIN_FRAMES + " to " + GestureRecording.MAX_FRAMES
                    + " (default ${DEFAULT-VALUE})")
    private int frames;

    @Option(
            names = "--rounds",
            paramLabel = "R",
            defaultValue = "5",
            description = "draws of teaching photos, pooled, 1 to 1000 (default ${DEFAULT-VALUE})")
    private int rounds;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "1",
            description = "seed of the draws (default ${DEFAULT-VALUE})")
    private long seed;

    @Option(
            names = "--max-recordings",
            paramLabel = "M",
            defaultValue = "16",
            description = "as gesture.maxRecordings (default ${DEFAULT-VALUE})")
    private int maxRecordings;

    @Mixin
    private ModelChoice choice;

    @Option(names = "--json", description = "print JSON instead of Markdown")
    private boolean json;

    @Parameters(paramLabel = "DIR", arity = "1", description = "one folder of photos per pose")
    private Path dir;

    private final PrintStream out;
    private final PrintStream err;

    TeachEvalCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        OptionValues.within(spec, "--examples", examples, 1, 64);
        OptionValues.within(spec, "--frames", frames, GestureRecording.MIN_FRAMES, GestureRecording.MAX_FRAMES);
        OptionValues.within(spec, "--rounds", rounds, 1, 1000);
        OptionValues.within(spec, "--max-recordings", maxRecordings, 1, 64);
        if (!Files.isDirectory(dir)) {
            throw OptionValues.usage(spec, "no such folder: " + dir);
        }
        PipelineOptions options;
        try {
            options = PipelineOptions.defaults().withModel(ModelVariant.parse(choice.model));
        } catch (IllegalArgumentException e) {
            throw OptionValues.usage(spec, e.getMessage());
        }
        EngineOptions engineOptions = OptionValues.engine(spec, choice.engine, ComputeTarget.CPU, 1);
        Map<String, List<Photo>> poses = new LinkedHashMap<>();
        List<Photo> none = new ArrayList<>();
        try (HandPipeline pipeline = new HandPipeline(options, engineOptions)) {
            List<Path> folders;
            try (Stream<Path> listed = Files.list(dir)) {
                folders = listed.filter(Files::isDirectory).sorted().toList();
            }
            for (Path folder : folders) {
                String pose = folder.getFileName().toString();
                List<Photo> photos = photos(pipeline, folder);
                if (pose.equals("none") || pose.equals("no_hand")) {
                    none.addAll(photos);
                } else if (!photos.isEmpty()) {
                    poses.put(pose, photos);
                }
            }
        } catch (ModelLoadException | IOException e) {
            err.println("palmreader teach-eval: " + e.getMessage());
            return 1;
        }
        if (poses.isEmpty()) {
            err.println("palmreader teach-eval: no folder of photos in " + dir);
            return 1;
        }
        TeachEvaluation.Report report = TeachEvaluation.run(poses, none, examples, rounds, seed, maxRecordings);
        out.print(json ? TeachEvalReport.json(report).encodePrettily() + "\n" : TeachEvalReport.markdown(report, dir));
        return 0;
    }

    private List<Photo> photos(HandPipeline pipeline, Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(folder)) {
            files = listed.filter(f -> Files.isRegularFile(f) && MediaFiles.isImage(f))
                    .sorted()
                    .toList();
        }
        List<Photo> photos = new ArrayList<>();
        ProgressBar bar = new ProgressBar(err, folder.getFileName().toString(), files.size());
        int done = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            FrameResult fresh = pipeline.process(List.of(new FrameRequest(bytes, TrackingState.NONE)))
                    .get(0);
            if (fresh.failed()) {
                err.println(file + ": " + fresh.error().getMessage());
                continue;
            }
            List<List<Hand>> teaching = fresh.hands().size() == 1 ? record(pipeline, bytes) : List.of();
            photos.add(new Photo(file.getFileName().toString(), fresh.hands(), teaching));
            bar.update(++done);
        }
        bar.finish(done);
        return photos;
    }

    /**
     * The answers a session recording this photo would get: the frames follow the hand from one answer to the next,
     * and are searched afresh where the recording asks for it.
     */
    private List<List<Hand>> record(HandPipeline pipeline, byte[] photo) {
        GestureRecording recording = new GestureRecording("photo", frames, 0);
        List<List<Hand>> answers = new ArrayList<>();
        TrackingState tracking = TrackingState.NONE;
        for (int i = 0; i < GestureRecording.MAX_FRAMES && recording.collected() < frames; i++) {
            TrackingState from = recording.freshSearchDue() ? TrackingState.NONE : tracking;
            FrameResult r =
                    pipeline.process(List.of(new FrameRequest(photo, from))).get(0);
            if (r.failed()) {
                return List.of();
            }
            tracking = r.tracking();
            answers.add(r.hands());
            recording.offer(r.hands());
        }
        return answers;
    }
}

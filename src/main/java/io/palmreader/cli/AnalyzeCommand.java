package io.palmreader.cli;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.Frame;
import io.palmreader.vision.FrameDecoder;
import io.palmreader.vision.FrameException;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.FrameResult;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.ModelLoadException;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import io.palmreader.vision.StageTimings;
import io.palmreader.vision.TrackingState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code analyze PATH...}: images, folders and videos through the hand pipeline, one JSON object per image or
 * video frame on stdout. A file that cannot be read is reported on stderr, the others are still processed, and
 * the exit code is 1.
 */
@Command(
        name = "analyze",
        sortOptions = false,
        sortSynopsis = false,
        header = "find hands and gestures in images, folders and videos; one JSON object per line",
        description = {
            "PATH is an image (JPEG, PNG), a video (mp4, mov, mkv, webm, avi) or a folder (searched "
                    + "recursively). Prints one JSON object per image or video frame on stdout; a file that cannot be read is "
                    + "reported on stderr, the others are still analyzed, and the exit code is 1."
        })
final class AnalyzeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private ModelChoice choice;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "1",
            description = "threads for the engine (XNNPACK's, or OpenCV's), 1 to 256 (default ${DEFAULT-VALUE})")
    private int threads;

    @Option(
            names = "--max-hands",
            paramLabel = "N",
            defaultValue = "" + PipelineOptions.DEFAULT_MAX_HANDS,
            description = "hands to find per frame, 1 to 16 (default ${DEFAULT-VALUE})")
    private int maxHands;

    @Option(
            names = "--track",
            description = "videos: follow hands from frame to frame instead of searching every frame afresh")
    private boolean track;

    @Option(
            names = "--palm-interval",
            paramLabel = "N",
            defaultValue = "" + PipelineOptions.DEFAULT_PALM_SEARCH_INTERVAL,
            description =
                    "with --track: while some but fewer than max-hands hands are followed, look for new hands every "
                            + "N frames, 1 to 1000 (default ${DEFAULT-VALUE}; 1 = every frame)")
    private int palmInterval;

    @Option(
            names = "--annotate",
            paramLabel = "OUT",
            description = "draw landmarks and gestures; OUT is an image/video file for a single input, else a folder")
    private Path annotate;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "images, videos and folders")
    private List<String> paths;

    private final PrintStream out;
    private final PrintStream err;

    AnalyzeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        PipelineOptions options;
        EngineOptions engineOptions = OptionValues.engine(
                spec, choice.engine, ComputeTarget.CPU, OptionValues.within(spec, "--threads", threads, 1, 256));
        // OpenCV's pool is process-wide: both engines get the same number of threads, so their times compare.
        org.bytedeco.opencv.global.opencv_core.setNumThreads(threads);
        try {
            options = PipelineOptions.defaults()
                    .withModel(ModelVariant.parse(choice.model))
                    .withMaxHands(OptionValues.within(spec, "--max-hands", maxHands, 1, 16))
                    .withPalmSearchInterval(OptionValues.within(spec, "--palm-interval", palmInterval, 1, 1000));
        } catch (IllegalArgumentException e) {
            throw OptionValues.usage(spec, e.getMessage());
        }
        List<Path> files = MediaFiles.expand(paths);
        boolean annotateIntoFolder = annotate != null && (files.size() > 1 || Files.isDirectory(annotate));

        int failures = 0;
        try (HandPipeline pipeline = new HandPipeline(options, engineOptions)) {
            ProgressBar bar = files.size() > 1 ? new ProgressBar(err, "files", files.size()) : null;
            int done = 0;
            for (Path file : files) {
                Path annotated =
                        annotate == null ? null : annotateIntoFolder ? annotate.resolve(annotatedName(file)) : annotate;
                try {
                    if (annotated != null && annotateIntoFolder) {
                        Files.createDirectories(annotate);
                    }
                    if (MediaFiles.isVideo(file)) {
                        analyzeVideo(pipeline, file, track, annotated);
                    } else {
                        analyzeImage(pipeline, file, annotated);
                    }
                } catch (NoSuchFileException e) {
                    failures++;
                    report(file, "no such file");
                } catch (IOException | FrameException e) {
                    failures++;
                    report(file, e.getMessage());
                }
                if (bar != null) {
                    bar.update(++done);
                }
            }
            if (bar != null) {
                bar.finish(done);
            }
        } catch (ModelLoadException e) {
            err.println("palmreader analyze: " + e.getMessage());
            return 1;
        }
        return failures == 0 ? 0 : 1;
    }

    private void report(Path file, String why) {
        err.println();
        err.println("palmreader analyze: " + file + ": " + why);
    }

    private void analyzeImage(HandPipeline pipeline, Path file, Path annotated) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        FrameResult result = pipeline.process(List.of(new FrameRequest(bytes, TrackingState.NONE)))
                .get(0);
        if (result.failed()) {
            throw result.error();
        }
        out.println(ResultJson.of(file.toString(), -1, result).encode());
        if (annotated != null) {
            try (Frame frame = new FrameDecoder(pipeline.options().maxPixels()).decode(bytes)) {
                Annotator.draw(frame.bgr(), result);
                Path target = MediaFiles.isImage(annotated) ? annotated : Path.of(annotated + ".jpg");
                if (!imwrite(target.toString(), frame.bgr())) {
                    throw new IOException("cannot write annotated image " + target);
                }
            }
        }
    }

    private void analyzeVideo(HandPipeline pipeline, Path file, boolean track, Path annotated) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
                OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            grabber.start();
            ProgressBar bar = new ProgressBar(err, file.getFileName().toString(), grabber.getLengthInFrames());
            FFmpegFrameRecorder recorder = null;
            TrackingState state = TrackingState.NONE;
            int index = 0;
            try {
                while (true) {
                    long t0 = System.nanoTime();
                    org.bytedeco.javacv.Frame grabbed = grabber.grabImage();
                    if (grabbed == null) {
                        break;
                    }
                    Mat image = converter.convert(grabbed);
                    try (Frame frame = new Frame(image.clone())) {
                        double decodeMs = (System.nanoTime() - t0) / 1e6;
                        FrameResult r = pipeline.processDecoded(
                                        List.of(frame), List.of(track ? state : TrackingState.NONE))
                                .get(0);
                        StageTimings t = r.timings();
                        r = new FrameResult(
                                r.width(),
                                r.height(),
                                r.hands(),
                                r.detectorRan(),
                                r.tracking(),
                                new StageTimings(
                                        decodeMs, t.palmMs(), t.landmarksMs(), t.classifyMs(), decodeMs + t.totalMs()),
                                null);
                        state = r.tracking();
                        out.println(ResultJson.of(file.toString(), index, r).encode());
                        if (annotated != null) {
                            if (recorder == null) {
                                recorder =
                                        startRecorder(annotated, frame.width(), frame.height(), grabber.getFrameRate());
                            }
                            Annotator.draw(frame.bgr(), r);
                            recorder.record(converter.convert(frame.bgr()));
                        }
                    }
                    bar.update(++index);
                }
            } finally {
                bar.finish(index);
                if (recorder != null) {
                    recorder.close();
                }
            }
        }
    }

    /** H.264 when this FFmpeg build can encode it, else MPEG-4 Part 2, which every build can. */
    private static FFmpegFrameRecorder startRecorder(Path target, int width, int height, double fps)
            throws FrameRecorder.Exception {
        FrameRecorder.Exception last = null;
        for (int codec : new int[] {AV_CODEC_ID_H264, AV_CODEC_ID_MPEG4}) {
            FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), width, height, 0);
            recorder.setVideoCodec(codec);
            recorder.setFrameRate(fps > 0 ? fps : 30);
            recorder.setVideoBitrate(Math.max(1_000_000, width * height * 4));
            try {
                recorder.start();
                return recorder;
            } catch (FrameRecorder.Exception e) {
                last = e;
                recorder.close();
            }
        }
        throw last;
    }

    private static String annotatedName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        return MediaFiles.isVideo(file) ? stem + ".annotated.mp4" : stem + ".annotated.jpg";
    }
}

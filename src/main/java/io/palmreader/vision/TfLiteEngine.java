package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * The hand networks on TensorFlow Lite with XNNPACK, MediaPipe's own CPU runtime. Inputs run one at a time through
 * batch-1 interpreters (XNNPACK gains nothing from batching on a CPU, and resizing an input re-plans the graph):
 * each is warped out of its frame, converted from BGR to RGB and written as floats in [0, 1] straight into the
 * input tensor. Outputs are read by MediaPipe's tensor names. Not thread-safe: one engine per thread.
 */
final class TfLiteEngine implements ModelEngine {

    static final String PALM_BOXES = "Identity";
    static final String PALM_SCORES = "Identity_1";
    static final String SCREEN = "Identity";
    static final String PRESENCE = "Identity_1";
    static final String HANDEDNESS = "Identity_2";
    static final String WORLD = "Identity_3";

    private final TfLiteNetwork palm;
    private final TfLiteNetwork landmarks;
    private final int threads;
    private final ImageWarp palmWarp = new ImageWarp(PALM_INPUT, BORDER_CONSTANT);
    private final ImageWarp cropWarp = new ImageWarp(LANDMARK_INPUT, BORDER_REPLICATE);
    private final Mat palmRgb = new Mat(PALM_INPUT, PALM_INPUT, CV_8UC3);
    private final Mat cropRgb = new Mat(LANDMARK_INPUT, LANDMARK_INPUT, CV_8UC3);
    private final float[] presence = new float[1];
    private final float[] handedness = new float[1];

    TfLiteEngine(Path modelFolder, ModelVariant variant, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        this.threads = threads;
        String palmFile = variant.palmDetectorFile();
        String landmarkFile = variant.landmarkFile();
        TfLiteNetwork p = new TfLiteNetwork(
                ModelFiles.read(modelFolder, palmFile),
                palmFile,
                "palm detection",
                PALM_INPUT,
                threads,
                Map.of(PALM_BOXES, PALM_ANCHORS * PALM_COORDS, PALM_SCORES, PALM_ANCHORS));
        try {
            this.landmarks = new TfLiteNetwork(
                    ModelFiles.read(modelFolder, landmarkFile),
                    landmarkFile,
                    "landmarks",
                    LANDMARK_INPUT,
                    threads,
                    Map.of(SCREEN, LANDMARK_VALUES, PRESENCE, 1, HANDEDNESS, 1, WORLD, LANDMARK_VALUES));
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        this.palm = p;
    }

    /** The TensorFlow Lite release of the native library. */
    static String version() {
        return tensorflowlite.TfLiteVersion().getString();
    }

    @Override
    public String shortfall() {
        if (palm.delegatedOperators() == palm.operators() && landmarks.delegatedOperators() == landmarks.operators()) {
            return null;
        }
        return String.format(
                Locale.ROOT,
                "XNNPACK took %d of %d palm and %d of %d landmark operators; the rest run on "
                        + "TensorFlow Lite's reference kernels, several times slower",
                palm.delegatedOperators(),
                palm.operators(),
                landmarks.delegatedOperators(),
                landmarks.operators());
    }

    @Override
    public String description() {
        return String.format(
                Locale.ROOT,
                "TensorFlow Lite %s, XNNPACK on %d/%d palm and %d/%d landmark operators, " + "%d thread%s",
                version(),
                palm.delegatedOperators(),
                palm.operators(),
                landmarks.delegatedOperators(),
                landmarks.operators(),
                threads,
                threads == 1 ? "" : "s");
    }

    @Override
    public EngineKind kind() {
        return EngineKind.TFLITE;
    }

    @Override
    public List<PalmTensors> detectPalms(List<ModelInput> inputs) {
        List<PalmTensors> out = new ArrayList<>(inputs.size());
        for (ModelInput in : inputs) {
            cvtColor(palmWarp.warp(in.frame(), in.inputToFrame()), palmRgb, COLOR_BGR2RGB);
            palm.setInput(palmRgb);
            palm.invoke();
            float[] boxes = new float[PALM_ANCHORS * PALM_COORDS];
            float[] scores = new float[PALM_ANCHORS];
            palm.read(PALM_BOXES, boxes);
            palm.read(PALM_SCORES, scores);
            out.add(new PalmTensors(boxes, scores));
        }
        return out;
    }

    @Override
    public List<LandmarkTensors> findLandmarks(List<ModelInput> inputs) {
        List<LandmarkTensors> out = new ArrayList<>(inputs.size());
        for (ModelInput in : inputs) {
            cvtColor(cropWarp.warp(in.frame(), in.inputToFrame()), cropRgb, COLOR_BGR2RGB);
            landmarks.setInput(cropRgb);
            landmarks.invoke();
            float[] screen = new float[LANDMARK_VALUES];
            float[] world = new float[LANDMARK_VALUES];
            landmarks.read(SCREEN, screen);
            landmarks.read(WORLD, world);
            landmarks.read(PRESENCE, presence);
            landmarks.read(HANDEDNESS, handedness);
            out.add(new LandmarkTensors(screen, world, presence[0], handedness[0]));
        }
        return out;
    }

    @Override
    public void close() {
        palm.close();
        landmarks.close();
        palmWarp.close();
        cropWarp.close();
        palmRgb.close();
        cropRgb.close();
    }
}

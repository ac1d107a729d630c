package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImages;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * The hand networks on OpenCV DNN, on its CPU backend or one CUDA device. Each call runs every input of a batch
 * through the network in one pass, which is what a GPU needs. OpenCV 4.13's TFLite importer drops the bias of every
 * fully connected layer; {@link DenseBias} puts it back, for this engine only. Not thread-safe: one per thread.
 */
final class OpenCvEngine implements ModelEngine {

    private static final String PALM_BOXES = "Identity";
    private static final String PALM_SCORES = "Identity_1";
    /** Anchors per frame on the stride-8 map (24 × 24 × 2) and the stride-16 map (12 × 12 × 6). */
    static final int[] ANCHORS_PER_FEATURE_MAP = {1152, 864};

    private static final String SCREEN = "Identity";
    private static final String PRESENCE = "Identity_1";
    private static final String HANDEDNESS = "Identity_2";
    private static final String WORLD = "Identity_3";
    // The dense layers in front of the presence and handedness sigmoids: read as logits so their lost bias can
    // be added before the sigmoid.
    private static final String PRESENCE_LOGIT =
            "model_1/model/conv_handflag/MatMul;model_1/model/conv_handflag/BiasAdd";
    private static final String HANDEDNESS_LOGIT =
            "model_1/model/conv_handedness/MatMul;model_1/model/conv_handedness/BiasAdd";

    private final ComputeTarget target;
    private final Net palm;
    private final Net landmarks;
    private final DenseBias bias;
    private final ImageWarp palmWarp = new ImageWarp(PALM_INPUT, BORDER_CONSTANT);
    private final ImageWarp cropWarp = new ImageWarp(LANDMARK_INPUT, BORDER_REPLICATE);
    private final Size palmSize = new Size(PALM_INPUT, PALM_INPUT);
    private final Size cropSize = new Size(LANDMARK_INPUT, LANDMARK_INPUT);
    private final Scalar zero = new Scalar(0.0);

    OpenCvEngine(Path modelFolder, ModelVariant variant, ComputeTarget target) {
        this.target = target;
        String palmFile = variant.palmDetectorFile();
        String landmarkFile = variant.landmarkFile();
        Net p = ModelNets.fromBytes(ModelFiles.read(modelFolder, palmFile), palmFile);
        Net l = null;
        try {
            ModelNets.requireOutputs(p, palmFile, PALM_BOXES, PALM_SCORES);
            byte[] bytes = ModelFiles.read(modelFolder, landmarkFile);
            l = ModelNets.fromBytes(bytes, landmarkFile);
            ModelNets.requireOutputs(l, landmarkFile, SCREEN, PRESENCE, HANDEDNESS, WORLD);
            this.bias = DenseBias.lostBy(
                    l,
                    bytes,
                    landmarkFile,
                    new int[] {1, 3, LANDMARK_INPUT, LANDMARK_INPUT},
                    SCREEN,
                    WORLD,
                    PRESENCE_LOGIT,
                    HANDEDNESS_LOGIT);
            // After the probe, which compares against OpenCV's reference CPU path: the lost biases are the importer's,
            // whatever backend then runs the network.
            target.apply(p);
            target.apply(l);
        } catch (RuntimeException e) {
            p.close();
            if (l != null) {
                l.close();
            }
            throw e;
        }
        this.palm = p;
        this.landmarks = l;
    }

    /** True when this OpenCV's importer lost the dense layers' biases and they are added here. */
    boolean restoresDenseBias() {
        return bias.correcting();
    }

    @Override
    public String description() {
        return String.format(
                Locale.ROOT,
                "OpenCV DNN %s on %s%s",
                opencv_core.CV_VERSION(),
                target,
                target.isCuda() ? "" : ", " + opencv_core.getNumThreads() + " threads per call (process-wide)");
    }

    @Override
    public EngineKind kind() {
        return EngineKind.OPENCV;
    }

    @Override
    public List<PalmTensors> detectPalms(List<ModelInput> inputs) {
        int n = inputs.size();
        List<PalmTensors> result = new ArrayList<>(n);
        if (n == 0) {
            return result;
        }
        float[][] outputs;
        try (MatVector images = warpAll(inputs, palmWarp);
                Mat blob = blobFromImages(images, 1 / 255.0, palmSize, zero, true, false, CV_32F)) {
            outputs = ModelNets.forward(palm, blob, PALM_BOXES, PALM_SCORES);
        }
        for (int i = 0; i < n; i++) {
            result.add(new PalmTensors(frameSlice(outputs[0], n, i, PALM_COORDS), frameSlice(outputs[1], n, i, 1)));
        }
        return result;
    }

    @Override
    public List<LandmarkTensors> findLandmarks(List<ModelInput> inputs) {
        int n = inputs.size();
        List<LandmarkTensors> result = new ArrayList<>(n);
        if (n == 0) {
            return result;
        }
        float[][] out;
        try (MatVector images = warpAll(inputs, cropWarp);
                Mat blob = blobFromImages(images, 1 / 255.0, cropSize, zero, true, false, CV_32F)) {
            out = ModelNets.forward(landmarks, blob, SCREEN, PRESENCE_LOGIT, HANDEDNESS_LOGIT, WORLD);
        }
        bias.addTo(SCREEN, out[0], n);
        bias.addTo(PRESENCE_LOGIT, out[1], n);
        bias.addTo(HANDEDNESS_LOGIT, out[2], n);
        bias.addTo(WORLD, out[3], n);
        for (int i = 0; i < n; i++) {
            float[] screen = new float[LANDMARK_VALUES];
            float[] world = new float[LANDMARK_VALUES];
            System.arraycopy(out[0], i * LANDMARK_VALUES, screen, 0, LANDMARK_VALUES);
            System.arraycopy(out[3], i * LANDMARK_VALUES, world, 0, LANDMARK_VALUES);
            result.add(new LandmarkTensors(screen, world, sigmoid(out[1][i]), sigmoid(out[2][i])));
        }
        return result;
    }

    /** Every input warped into an image of its own (the batch is one blob). */
    private static MatVector warpAll(List<ModelInput> inputs, ImageWarp warp) {
        MatVector images = new MatVector(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            ModelInput in = inputs.get(i);
            try (Mat copy = warp.warp(in.frame(), in.inputToFrame()).clone()) {
                images.put(i, copy);
            }
        }
        return images;
    }

    /**
     * One frame's rows of a batched palm output. The model reshapes each feature map to a batch-1 row list before
     * concatenating them, so with N frames OpenCV returns {@code [1, N × 2016, values]} laid out feature map by
     * feature map: all frames' stride-8 anchors, then all frames' stride-16 anchors. Each frame's anchors are
     * gathered back here in anchor order.
     */
    static float[] frameSlice(float[] output, int frames, int frame, int values) {
        float[] slice = new float[PALM_ANCHORS * values];
        int offset = 0;
        int copied = 0;
        for (int mapAnchors : ANCHORS_PER_FEATURE_MAP) {
            int length = mapAnchors * values;
            System.arraycopy(output, offset + frame * length, slice, copied, length);
            offset += frames * length;
            copied += length;
        }
        return slice;
    }

    private static float sigmoid(float logit) {
        return (float) (1 / (1 + Math.exp(-logit)));
    }

    @Override
    public void close() {
        palm.close();
        landmarks.close();
        palmWarp.close();
        cropWarp.close();
        palmSize.close();
        cropSize.close();
        zero.close();
    }
}

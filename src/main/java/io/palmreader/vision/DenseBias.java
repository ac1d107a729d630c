package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * The biases of a model's fully connected layers, for an OpenCV whose TFLite importer leaves them out.
 *
 * <p>OpenCV 4.13 imports a TFLite {@code FULLY_CONNECTED} operator as a Gemm layer that keeps the bias tensor
 * among its blobs but never adds it. For the hand landmark model that shifts every landmark by up to three
 * crop pixels, turns world landmarks (whose bias carries most of their magnitude) into nonsense, and biases
 * presence and handedness logits. Whether the importer drops the bias is probed once, at load, on a copy of
 * the network whose weights are zeroed: its output is then the bias exactly, or zero when the bias is
 * lost. A future OpenCV that fixes the importer therefore gets {@link #none} and no double bias.
 */
final class DenseBias {

    private final Map<String, float[]> biases;

    private DenseBias(Map<String, float[]> biases) {
        this.biases = biases;
    }

    /**
     * Reads the biases the importer lost for {@code layers} of {@code net}, probing with a zero input of
     * {@code probeShape} (NCHW) on a second copy of the model parsed from {@code modelBytes}.
     */
    static DenseBias lostBy(Net net, byte[] modelBytes, String file, int[] probeShape, String... layers) {
        Map<String, float[]> read = new LinkedHashMap<>();
        for (String layer : layers) {
            int id = net.getLayerId(layer);
            if (id < 0) {
                throw new ModelLoadException("model " + file + " has no layer '" + layer + "'");
            }
            try (Mat bias = net.getParam(id, 1)) {
                read.put(layer, floats(bias));
            }
        }
        return importerAddsBias(modelBytes, file, probeShape, layers[0], read.get(layers[0]))
                ? none()
                : new DenseBias(read);
    }

    /** No correction: the importer already adds every bias. */
    static DenseBias none() {
        return new DenseBias(Map.of());
    }

    /** True when at least one layer's bias needs adding by hand. */
    boolean correcting() {
        return !biases.isEmpty();
    }

    /** Adds {@code layer}'s bias to each of {@code count} consecutive output rows in {@code values}. */
    void addTo(String layer, float[] values, int count) {
        float[] bias = biases.get(layer);
        if (bias == null) {
            return;
        }
        for (int row = 0; row < count; row++) {
            int offset = row * bias.length;
            for (int k = 0; k < bias.length; k++) {
                values[offset + k] += bias[k];
            }
        }
    }

    private static boolean importerAddsBias(
            byte[] modelBytes, String file, int[] probeShape, String layer, float[] bias) {
        Net probe = ModelNets.fromBytes(modelBytes, file);
        try {
            int id = probe.getLayerId(layer);
            try (Mat weights = probe.getParam(id, 0);
                    Mat zeros = new Mat(weights.size(), weights.type(), new Scalar(0.0));
                    Mat input = new Mat(probeShape, CV_32F, new Scalar(0.0))) {
                probe.setParam(id, 0, zeros);
                float[] out = ModelNets.forward(probe, input, layer)[0];
                int strongest = 0;
                for (int k = 1; k < bias.length; k++) {
                    if (Math.abs(bias[k]) > Math.abs(bias[strongest])) {
                        strongest = k;
                    }
                }
                return Math.abs(out[strongest] - bias[strongest]) < Math.abs(bias[strongest]) / 2;
            }
        } finally {
            probe.close();
        }
    }

    private static float[] floats(Mat m) {
        float[] values = new float[(int) m.total()];
        ((FloatBuffer) m.createBuffer()).get(values);
        return values;
    }
}

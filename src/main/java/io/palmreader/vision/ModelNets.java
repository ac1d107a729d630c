package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTFLite;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

/** Loading TFLite models into OpenCV DNN and running them with named outputs. */
final class ModelNets {

    private ModelNets() {}

    /**
     * OpenCV 4.13's TFLite importer fills its operator table lazily and without a lock: two threads importing at once
     * fail with "Unsupported operator type CONV_2D". Imports are therefore one at a time; running the nets is not
     * affected.
     */
    private static final Object IMPORT_LOCK = new Object();

    /** Parses a TFLite model already in memory; {@code file} only names it in errors. */
    static Net fromBytes(byte[] bytes, String file) {
        Net net;
        try (BytePointer buffer = new BytePointer(bytes)) {
            synchronized (IMPORT_LOCK) {
                net = readNetFromTFLite(buffer, bytes.length);
            }
        } catch (RuntimeException e) {
            throw new ModelLoadException("OpenCV could not load model " + file + ": " + e.getMessage(), e);
        }
        if (net == null || net.empty()) {
            throw new ModelLoadException("OpenCV loaded an empty network from " + file);
        }
        return net;
    }

    /** The network's output names, without the trailing NUL some JavaCPP string conversions leave. */
    static List<String> outputNames(Net net) {
        List<String> names = new ArrayList<>();
        try (StringVector raw = net.getUnconnectedOutLayersNames()) {
            for (long i = 0; i < raw.size(); i++) {
                String name = raw.get(i).getString();
                int nul = name.indexOf('\0');
                names.add(nul >= 0 ? name.substring(0, nul) : name);
            }
        }
        return names;
    }

    /** Runs a forward pass for the given outputs; returns one float array per output, in that order. */
    static float[][] forward(Net net, Mat blob, String... outputs) {
        net.setInput(blob);
        float[][] result = new float[outputs.length][];
        try (MatVector outs = new MatVector();
                StringVector names = new StringVector(outputs)) {
            net.forward(outs, names);
            for (int i = 0; i < outputs.length; i++) {
                Mat out = outs.get(i);
                float[] values = new float[(int) out.total()];
                ((java.nio.FloatBuffer) out.createBuffer()).get(values);
                result[i] = values;
                out.close();
            }
        }
        return result;
    }

    /** Fails model loading when an expected output is missing, listing what the model has. */
    static void requireOutputs(Net net, String file, String... expected) {
        List<String> names = outputNames(net);
        for (String e : expected) {
            if (!names.contains(e)) {
                throw new ModelLoadException("model " + file + " has no output '" + e + "' (outputs: " + names + ")");
            }
        }
    }
}

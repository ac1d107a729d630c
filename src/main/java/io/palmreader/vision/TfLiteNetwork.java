package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.RegistrationNodePair;
import org.bytedeco.tensorflowlite.TfLiteIntArray;
import org.bytedeco.tensorflowlite.TfLiteTensor;

/**
 * One TensorFlow Lite model with its interpreter: a square NHWC float RGB input and float outputs found by name.
 *
 * <p>The interpreter comes from the builtin op resolver, which applies the XNNPACK delegate when tensors are
 * allocated; which operators it took is read back from the execution plan. The input tensor is wrapped once as an
 * OpenCV image, so pixels are converted straight into the tensor's memory, and output pointers are resolved once:
 * running the network allocates nothing native. Not thread-safe.
 */
final class TfLiteNetwork implements AutoCloseable {

    /** The XNNPACK delegate's kernel as it appears in an execution plan. */
    static final String XNNPACK_KERNEL = "TfLiteXNNPackDelegate";

    private static final int FLOAT32 = 1;

    private final String file;
    private final String stage;
    private final BytePointer modelBytes;
    private final FlatBufferModel model;
    private final BuiltinOpResolver resolver;
    private final InterpreterBuilder builder;
    private final Interpreter interpreter;
    private final Mat input;
    private final Map<String, FloatPointer> outputs = new HashMap<>();
    private final int operators;
    private final int delegatedOperators;

    /**
     * @param bytes   the model file's contents
     * @param file    the model file's name, for errors
     * @param stage   what the model does, for errors
     * @param side    the input's width and height
     * @param threads threads for XNNPACK (and the interpreter's own kernels)
     * @param outputs each output's name and its number of floats
     * @throws ModelLoadException naming the file when it is not a usable TensorFlow Lite model
     */
    TfLiteNetwork(byte[] bytes, String file, String stage, int side, int threads, Map<String, Integer> outputs) {
        this.file = file;
        this.stage = stage;
        // The flat buffer is used in place by the model: it lives as long as the model does.
        this.modelBytes = new BytePointer(bytes);
        FlatBufferModel m = FlatBufferModel.VerifyAndBuildFromBuffer(modelBytes, bytes.length);
        if (m == null || m.isNull()) {
            modelBytes.close();
            throw new ModelLoadException(
                    "model " + file + " is not a TensorFlow Lite model (its flat buffer does not verify)");
        }
        this.model = m;
        this.resolver = new BuiltinOpResolver();
        this.builder = new InterpreterBuilder(model, resolver);
        this.interpreter = new Interpreter((Pointer) null);
        try {
            builder.SetNumThreads(threads);
            if (builder.apply(interpreter) != 0 || interpreter.isNull()) {
                throw new ModelLoadException("TensorFlow Lite could not build an interpreter for " + file);
            }
            this.operators = (int) interpreter.nodes_size();
            if (interpreter.AllocateTensors() != 0) {
                throw new ModelLoadException("TensorFlow Lite could not allocate the tensors of " + file);
            }
            this.delegatedOperators = operators - undelegatedOperators();
            this.input = wrapInput(side);
            for (Map.Entry<String, Integer> o : outputs.entrySet()) {
                this.outputs.put(o.getKey(), output(o.getKey(), o.getValue()));
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** Operators of the model as written. */
    int operators() {
        return operators;
    }

    /** Operators XNNPACK runs; the rest run on TensorFlow Lite's reference kernels. */
    int delegatedOperators() {
        return delegatedOperators;
    }

    /** Converts an 8-bit RGB image of the input's size into the input tensor, scaled to [0, 1]. */
    void setInput(Mat rgb) {
        rgb.convertTo(input, CV_32F, 1 / 255.0, 0);
    }

    /**
     * Runs the network on the current input.
     *
     * @throws InferenceException naming the stage and model when the interpreter reports an error
     */
    void invoke() {
        int status = interpreter.Invoke();
        if (status != 0) {
            throw new InferenceException(stage, file, "TensorFlow Lite returned status " + status);
        }
    }

    /** Copies output {@code name} into {@code into} (sized as declared). */
    void read(String name, float[] into) {
        outputs.get(name).get(into);
    }

    private int undelegatedOperators() {
        IntPointer plan = interpreter.execution_plan();
        int others = 0;
        for (long i = 0; i < plan.limit(); i++) {
            RegistrationNodePair node = interpreter.node_and_registration(plan.get(i));
            BytePointer custom = node.second().custom_name();
            if (custom == null || custom.isNull() || !XNNPACK_KERNEL.equals(custom.getString())) {
                others++;
            }
        }
        return others;
    }

    private Mat wrapInput(int side) {
        if (interpreter.inputs().limit() != 1) {
            throw new ModelLoadException(
                    "model " + file + " has " + interpreter.inputs().limit() + " inputs, expected 1");
        }
        TfLiteTensor tensor = interpreter.input_tensor(0);
        int[] dims = dims(tensor);
        if (tensor.type() != FLOAT32
                || dims.length != 4
                || dims[0] != 1
                || dims[1] != side
                || dims[2] != side
                || dims[3] != 3) {
            throw new ModelLoadException("model " + file + " takes " + java.util.Arrays.toString(dims) + " of type "
                    + tensor.type() + ", expected [1, " + side + ", " + side + ", 3] float32");
        }
        return new Mat(side, side, CV_32FC3, interpreter.typed_input_tensor_float(0));
    }

    private FloatPointer output(String name, int floats) {
        IntPointer indices = interpreter.outputs();
        StringBuilder names = new StringBuilder();
        for (long i = 0; i < indices.limit(); i++) {
            int index = indices.get(i);
            TfLiteTensor tensor = interpreter.tensor(index);
            String tensorName = tensor.name().getString();
            if (tensorName.equals(name)) {
                long count = tensor.bytes() / Float.BYTES;
                if (tensor.type() != FLOAT32 || count != floats) {
                    throw new ModelLoadException("model " + file + " output '" + name + "' holds " + count
                            + " values of type " + tensor.type() + ", expected " + floats + " float32");
                }
                return interpreter.typed_tensor_float(index).capacity(floats);
            }
            names.append(names.length() == 0 ? "" : ", ").append(tensorName);
        }
        throw new ModelLoadException("model " + file + " has no output '" + name + "' (outputs: " + names + ")");
    }

    private static int[] dims(TfLiteTensor tensor) {
        TfLiteIntArray d = tensor.dims();
        int[] dims = new int[d.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = d.data(i);
        }
        return dims;
    }

    private void release() {
        if (input != null) {
            input.close();
        }
        interpreter.close();
        builder.close();
        resolver.close();
        model.close();
        modelBytes.close();
    }

    @Override
    public void close() {
        release();
    }
}

package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_dnn.DNN_BACKEND_CUDA;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_BACKEND_OPENCV;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_TARGET_CPU;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_TARGET_CUDA;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_TARGET_CUDA_FP16;

import java.util.Locale;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * Where a pipeline's networks run: OpenCV's own CPU backend, or one CUDA device in fp32 or fp16.
 *
 * @param cudaDevice the CUDA device index, or -1 for the CPU
 * @param fp16       run CUDA layers in half precision (ignored on the CPU)
 */
public record ComputeTarget(int cudaDevice, boolean fp16) {

    public static final ComputeTarget CPU = new ComputeTarget(-1, false);

    public ComputeTarget {
        if (cudaDevice < -1) {
            throw new IllegalArgumentException("cudaDevice must be -1 (CPU) or a device index, was " + cudaDevice);
        }
        fp16 = cudaDevice >= 0 && fp16;
    }

    public static ComputeTarget cuda(int device, boolean fp16) {
        if (device < 0) {
            throw new IllegalArgumentException("CUDA device index must be >= 0, was " + device);
        }
        return new ComputeTarget(device, fp16);
    }

    public boolean isCuda() {
        return cudaDevice >= 0;
    }

    /**
     * Makes the calling thread's CUDA calls go to this device. CUDA's current device is per thread, so a worker binds
     * once on the thread that owns its networks, before loading them.
     */
    public void bindThread() {
        if (isCuda()) {
            opencv_core.setDevice(cudaDevice);
        }
    }

    /** Points a freshly loaded network at this target; the first forward pass then builds it there. */
    void apply(Net net) {
        if (isCuda()) {
            net.setPreferableBackend(DNN_BACKEND_CUDA);
            net.setPreferableTarget(fp16 ? DNN_TARGET_CUDA_FP16 : DNN_TARGET_CUDA);
        } else {
            net.setPreferableBackend(DNN_BACKEND_OPENCV);
            net.setPreferableTarget(DNN_TARGET_CPU);
        }
    }

    /** {@code cpu}, {@code cuda:0}, {@code cuda:1/fp16}: how logs, metrics and reports name it. */
    @Override
    public String toString() {
        return isCuda() ? String.format(Locale.ROOT, "cuda:%d%s", cudaDevice, fp16 ? "/fp16" : "") : "cpu";
    }
}

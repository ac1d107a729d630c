package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_dnn.DNN_BACKEND_CUDA;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_TARGET_CUDA;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.DeviceInfo;

/**
 * What CUDA this process can use, as OpenCV sees it: the devices, or why there are none. The default (CPU) build of
 * OpenCV has no CUDA at all; the {@code -Pgpu} build has it when the host has a driver and CUDA 13 + cuDNN 9.
 *
 * @param devices      usable devices, by CUDA index
 * @param absentReason why there are none (null when there are)
 */
public record CudaDevices(List<Device> devices, String absentReason) {

    /** One CUDA device: its index, name, compute capability and memory at the time it was asked. */
    public record Device(int index, String name, int major, int minor, long totalBytes, long freeBytes) {

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "[%d] %s (compute %d.%d, %.1f GiB free of %.1f GiB)",
                    index,
                    name,
                    major,
                    minor,
                    freeBytes / GIB,
                    totalBytes / GIB);
        }
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    public static CudaDevices none(String reason) {
        return new CudaDevices(List.of(), reason);
    }

    public boolean available() {
        return !devices.isEmpty();
    }

    /**
     * Asks OpenCV. Never throws: a CUDA build on a host without its libraries or driver, or with a driver too old,
     * means no CUDA, with the reason said.
     */
    public static CudaDevices probe() {
        try {
            int count = opencv_core.getCudaEnabledDeviceCount();
            if (count == 0) {
                return none(
                        dnnHasCuda()
                                ? "no CUDA device visible (CUDA_VISIBLE_DEVICES, driver, container runtime?)"
                                : "this build's OpenCV has no CUDA (the default CPU build; package with -Pgpu for GPUs)");
            }
            if (count < 0) {
                return none("the CUDA driver is missing or older than this OpenCV's CUDA runtime needs");
            }
            if (!dnnHasCuda()) {
                return none(count + " CUDA device(s), but this OpenCV's DNN module was built without its CUDA backend");
            }
            List<Device> devices = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                devices.add(describe(i));
            }
            return new CudaDevices(List.copyOf(devices), null);
        } catch (LinkageError | RuntimeException e) {
            return none("CUDA libraries could not be used: " + e.getMessage());
        }
    }

    /** Current name, capability and memory of one device (memory as CUDA reports it now). */
    public static Device describe(int index) {
        try (DeviceInfo info = new DeviceInfo(index)) {
            String name = info.name().getString();
            return new Device(
                    index,
                    name.replace("\0", "").trim(),
                    info.majorVersion(),
                    info.minorVersion(),
                    info.totalMemory(),
                    info.freeMemory());
        }
    }

    private static boolean dnnHasCuda() {
        IntPointer targets = opencv_dnn.getAvailableTargets(DNN_BACKEND_CUDA);
        if (targets == null) {
            return false;
        }
        for (long i = targets.position(); i < targets.limit(); i++) {
            if (targets.get(i) == DNN_TARGET_CUDA) {
                return true;
            }
        }
        return false;
    }
}

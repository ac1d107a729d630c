package io.palmreader.inference;

import io.palmreader.config.ConfigException;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.CudaDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Decides where a node's inference workers run, from the configuration and the CUDA devices found: one worker per
 * chosen GPU, each alone on its own single-thread pool {@code gpu-N} so its device binding and networks stay on one
 * thread; or, without CUDA, CPU workers sharing the cores. Pure: the devices are given, not probed.
 *
 * @param workers  what to deploy
 * @param cuda     whether the workers are on GPUs
 * @param report   one line for the log saying what was chosen and, on a fallback, why
 * @param fellBack CUDA was asked for (or possible) but the node runs on the CPU
 */
public record InferencePlacement(List<Worker> workers, boolean cuda, String report, boolean fellBack) {

    /**
     * Workers to deploy together.
     *
     * @param name      the worker's name within the node ({@code cpu}, {@code gpu-0}), also its pool's suffix
     * @param poolName  the worker pool its instances run on
     * @param instances how many instances (one per thread of the pool)
     * @param target    where their networks run
     */
    public record Worker(String name, String poolName, int instances, ComputeTarget target) {}

    /**
     * @param config     the node's inference configuration ({@code inference.device}, {@code inference.gpus},
     *                   {@code inference.precision})
     * @param devices    the CUDA devices this process can use
     * @param cpuPool    the pool CPU workers run on (from the inference descriptor)
     * @param cpuWorkers how many CPU workers when falling back or asked for the CPU
     */
    public static InferencePlacement plan(InferenceConfig config, CudaDevices devices, String cpuPool, int cpuWorkers) {
        String device = config.device();
        boolean fp16 = config.fp16();
        List<Worker> cpu = List.of(new Worker("cpu", cpuPool, cpuWorkers, ComputeTarget.CPU));
        String cpuLine = String.format(Locale.ROOT, "inference on the CPU: %d worker(s)", cpuWorkers);
        if (device.equals("cpu")) {
            return new InferencePlacement(cpu, false, cpuLine + " (inference.device = cpu)", false);
        }
        if (!devices.available()) {
            String line = cpuLine + "; CUDA not used: " + devices.absentReason();
            return new InferencePlacement(cpu, false, line, device.equals("cuda"));
        }
        List<Integer> chosen = choose(config.gpus(), devices);
        List<Worker> workers = new ArrayList<>(chosen.size());
        List<String> names = new ArrayList<>();
        for (int index : chosen) {
            workers.add(new Worker("gpu-" + index, "gpu-" + index, 1, ComputeTarget.cuda(index, fp16)));
            names.add(devices.devices().stream()
                    .filter(d -> d.index() == index)
                    .findFirst()
                    .orElseThrow()
                    .toString());
        }
        String line = String.format(
                Locale.ROOT,
                "inference on CUDA (%s): %d worker(s), one per GPU: %s",
                fp16 ? "fp16" : "fp32",
                workers.size(),
                String.join(", ", names));
        return new InferencePlacement(List.copyOf(workers), true, line, false);
    }

    /** Every device when none is named, else the named ones, which must exist. */
    private static List<Integer> choose(List<Integer> gpus, CudaDevices devices) {
        TreeSet<Integer> present = new TreeSet<>();
        devices.devices().forEach(d -> present.add(d.index()));
        if (gpus.isEmpty()) {
            return List.copyOf(present);
        }
        for (int index : gpus) {
            if (!present.contains(index)) {
                throw new ConfigException(
                        "inference.gpus names CUDA device " + index + ", but the devices are " + present);
            }
        }
        return gpus;
    }
}

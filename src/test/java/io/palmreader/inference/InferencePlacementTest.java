package io.palmreader.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.config.ConfigException;
import io.palmreader.config.Settings;
import io.palmreader.inference.InferencePlacement.Worker;
import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.CudaDevices;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Inference placement: one pinned worker per chosen GPU, or CPU workers with the reason said")
class InferencePlacementTest {

    private static final long GIB = 1L << 30;
    private static final CudaDevices TWO_GPUS = new CudaDevices(
            List.of(
                    new CudaDevices.Device(0, "NVIDIA H100 80GB HBM3", 9, 0, 80 * GIB, 79 * GIB),
                    new CudaDevices.Device(1, "NVIDIA H100 80GB HBM3", 9, 0, 80 * GIB, 78 * GIB)),
            null);
    private static final CudaDevices NO_CUDA = CudaDevices.none("this build's OpenCV has no CUDA");

    private static Settings inference(String... keyValues) {
        JsonObject inference = new JsonObject();
        for (int i = 0; i < keyValues.length; i += 2) {
            inference.put(keyValues[i], keyValues[i + 1]);
        }
        return new Settings(new JsonObject().put("inference", inference));
    }

    private static InferenceConfig config(String... keyValues) {
        return InferenceConfig.from(inference(keyValues));
    }

    @Test
    @DisplayName("with two GPUs: a worker each, alone on its own gpu-N pool, bound to its device, fp32 by default")
    void oneWorkerPerGpu() {
        InferencePlacement p = InferencePlacement.plan(config(), TWO_GPUS, "inference-cpu", 4);
        assertTrue(p.cuda());
        assertEquals(
                List.of(
                        new Worker("gpu-0", "gpu-0", 1, ComputeTarget.cuda(0, false)),
                        new Worker("gpu-1", "gpu-1", 1, ComputeTarget.cuda(1, false))),
                p.workers());
        assertTrue(
                p.report().contains("[1] NVIDIA H100 80GB HBM3 (compute 9.0, 78.0 GiB free of 80.0 GiB)"), p.report());
    }

    @Test
    @DisplayName("inference.gpus picks devices, inference.precision fp16 selects the half-precision target")
    void chosenDevicesAndPrecision() {
        InferencePlacement p =
                InferencePlacement.plan(config("gpus", "1", "precision", "fp16"), TWO_GPUS, "inference-cpu", 4);
        assertEquals(List.of(new Worker("gpu-1", "gpu-1", 1, ComputeTarget.cuda(1, true))), p.workers());
        assertEquals("cuda:1/fp16", p.workers().get(0).target().toString());
    }

    @Test
    @DisplayName("a GPU that is not there is a configuration error naming the ones that are")
    void missingGpuIsAnError() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> InferencePlacement.plan(config("gpus", "0,3"), TWO_GPUS, "inference-cpu", 4));
        assertTrue(e.getMessage().contains("device 3") && e.getMessage().contains("[0, 1]"), e.getMessage());
        assertThrows(ConfigException.class, () -> config("gpus", "first"));
    }

    @Test
    @DisplayName("without CUDA: CPU workers, the reason in the report; a fallback when CUDA was asked for")
    void cpuFallback() {
        InferencePlacement auto = InferencePlacement.plan(config(), NO_CUDA, "inference-cpu", 3);
        assertFalse(auto.cuda());
        assertFalse(auto.fellBack());
        assertEquals(List.of(new Worker("cpu", "inference-cpu", 3, ComputeTarget.CPU)), auto.workers());
        assertTrue(auto.report().contains("this build's OpenCV has no CUDA"), auto.report());
        InferencePlacement asked = InferencePlacement.plan(config("device", "cuda"), NO_CUDA, "inference-cpu", 3);
        assertTrue(asked.fellBack());
        assertEquals(auto.workers(), asked.workers());
    }

    @Test
    @DisplayName("inference.device = cpu keeps GPUs out of it")
    void cpuByChoice() {
        InferencePlacement p = InferencePlacement.plan(config("device", "cpu"), TWO_GPUS, "inference-cpu", 2);
        assertFalse(p.cuda());
        assertEquals(ComputeTarget.CPU, p.workers().get(0).target());
        assertThrows(ConfigException.class, () -> config("device", "tpu"));
    }

    @Test
    @DisplayName("probing this process's OpenCV gives devices, or no devices and a reason")
    void probeIsConsistent() {
        CudaDevices found = CudaDevices.probe();
        if (found.available()) {
            assertNull(found.absentReason());
            found.devices()
                    .forEach(d -> assertTrue(d.totalBytes() > 0 && !d.name().isBlank(), d.toString()));
        } else {
            assertNotNull(found.absentReason());
            assertTrue(found.devices().isEmpty());
        }
    }

    @Test
    @DisplayName("decoding ahead: automatic for GPU workers only, explicit for any")
    void prepThreads() {
        InferenceConfig auto = InferenceConfig.from(inference());
        assertEquals(0, auto.prepThreadsFor(ComputeTarget.CPU));
        assertTrue(auto.prepThreadsFor(ComputeTarget.cuda(0, false)) >= 2);
        InferenceConfig three = InferenceConfig.from(inference("prepThreads", "3"));
        assertEquals(3, three.prepThreadsFor(ComputeTarget.CPU));
        assertEquals(3, three.prepThreadsFor(ComputeTarget.cuda(0, false)));
    }
}

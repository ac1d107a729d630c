package io.palmreader.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.palmreader.vision.ComputeTarget;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A worker's placement: written into its deployment config by the node and read back the same")
class WorkerConfigTest {

    @Test
    @DisplayName("a GPU worker's placement survives the trip through its deployment config, beside the node's keys")
    void roundTrip() {
        WorkerConfig gpu = new WorkerConfig("node-1/gpu-1", ComputeTarget.cuda(1, true), "gpu-1", 1, 90_000L);
        JsonObject deployment = gpu.writeTo(new JsonObject().put("inference.maxQueueMs", 80));
        assertEquals(gpu, WorkerConfig.from(deployment));
        assertEquals(80, deployment.getInteger("inference.maxQueueMs"), "the node's own keys stay");
    }

    @Test
    @DisplayName("a CPU worker's placement round-trips, fp16 off whatever was asked")
    void cpuRoundTrip() {
        WorkerConfig cpu = new WorkerConfig("node-1/cpu", ComputeTarget.CPU, "inference", 4, 60_000L);
        WorkerConfig read = WorkerConfig.from(cpu.writeTo(new JsonObject()));
        assertEquals(cpu, read);
        assertFalse(read.target().isCuda());
    }

    @Test
    @DisplayName("a worker deployed without a placement runs alone on the CPU pool inference-cpu")
    void defaults() {
        assertEquals(WorkerConfig.DEFAULT, WorkerConfig.from(new JsonObject()));
        assertEquals(new WorkerConfig("cpu", ComputeTarget.CPU, "inference-cpu", 1, 120_000L), WorkerConfig.DEFAULT);
    }

    @Test
    @DisplayName("instances of one deployment take names of their own, a freed one is taken again; one alone keeps its")
    void instancesAreNumbered() {
        Vertx vertx = Vertx.vertx();
        try {
            LocalMap<String, Boolean> taken = vertx.sharedData().getLocalMap(WorkerConfig.NAMES);
            WorkerConfig cpu = new WorkerConfig("node-1/cpu", ComputeTarget.CPU, "inference", 2, 60_000L);
            assertEquals("node-1/cpu-0", cpu.numbered(taken).workerId());
            assertEquals("node-1/cpu-1", cpu.numbered(taken).workerId());
            taken.remove("node-1/cpu-0");
            assertEquals("node-1/cpu-0", cpu.numbered(taken).workerId());
            WorkerConfig gpu = new WorkerConfig("node-1/gpu-0", ComputeTarget.cuda(0, false), "gpu-0", 1, 60_000L);
            assertEquals(gpu, gpu.numbered(taken));
        } finally {
            vertx.close();
        }
    }
}

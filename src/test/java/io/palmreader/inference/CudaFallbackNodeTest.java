package io.palmreader.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.NodeExtension;
import io.palmreader.vision.CudaDevices;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node asked for CUDA where there is none (any host running the CPU build) still serves: it runs its workers
 * on the CPU, and with frames decoded ahead on the prep pool, as GPU workers have them, answers stay right.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A node asked for CUDA runs on its GPU, or without one falls back to the CPU; decoding ahead, it answers "
        + "as before")
class CudaFallbackNodeTest {

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
            .put(
                    "inference",
                    new JsonObject()
                            .put("device", "cuda")
                            .put("precision", "fp16")
                            .put("workers", 1)
                            .put("prepThreads", 2)
                            .put("maxBatch", 4)
                            .put("opencvThreads", 1))
            // The test checks which worker answered: clients are told node names only with this on.
            .put("observability", new JsonObject().put("exposeNodeNames", true)));

    @Test
    @DisplayName("frames decoded on the prep pool give the same gestures; a corrupt one its error, the next its hands")
    void answersThroughPrepPool() throws Exception {
        // Without CUDA the node falls back to a CPU worker; on a CUDA host it runs a worker on its first GPU instead.
        // Either
        // way frames come decoded from the prep pool and the answers must be the same.
        String worker = CudaDevices.probe().available() ? "/gpu-0" : "/cpu";
        try (SessionClient c = SessionClient.connect(node.vertx(), node.port())) {
            c.next("welcome", 5000);
            c.sendFrame(1, GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg"));
            JsonObject hands = c.next("hands", 30_000);
            assertTrue(hands.getString("worker").matches(".*" + worker + "(-\\d+)?"), hands.getString("worker"));
            assertEquals(
                    "Thumb_Up", hands.getJsonArray("hands").getJsonObject(0).getString("gesture"));
            byte[] garbage = new byte[4000];
            new Random(7).nextBytes(garbage);
            c.sendFrame(2, garbage);
            assertEquals("invalid_frame", c.next("error", 30_000).getString("code"));
            c.sendFrame(3, GatewayTestAccess.photo("hands/victory/wasmedge_victory.jpg"));
            JsonObject victory = c.next("hands", 30_000);
            assertEquals(3, victory.getLong("seq"));
            assertEquals(
                    "Victory", victory.getJsonArray("hands").getJsonObject(0).getString("gesture"));
            assertTrue(victory.getJsonObject("timing").getDouble("serverMs") > 0);
        }
    }
}

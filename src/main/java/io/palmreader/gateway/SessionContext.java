package io.palmreader.gateway;

import io.palmreader.assistant.AssistantConfig;
import io.palmreader.config.NodeConfig;
import io.palmreader.eventlog.EventLogConfig;
import io.palmreader.inference.InferenceClient;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.protocol.ServerMessages;
import io.palmreader.session.FrameMemory;
import io.palmreader.store.KeyValueStore;
import io.palmreader.vision.ModelVariant;
import io.vertx.core.Vertx;

/**
 * What every session of a gateway shares: its settings, the node's store and meters, and the way to inference.
 *
 * @param model        the model size a session gets unless its {@code hello} asks otherwise
 * @param maxHands     the most hands a session may ask for
 * @param maxPixels    the most pixels a frame may declare
 * @param capabilities what {@code welcome} says the node can do
 * @param frameMemory  the node's budget for the frames its sessions hold for inference
 * @param nodeConfig   the node's settings: its id, and whether clients are told node and worker names
 */
record SessionContext(
        Vertx vertx,
        GatewayConfig gateway,
        AssistantConfig assistant,
        ModelVariant model,
        int maxHands,
        long maxPixels,
        ServerMessages.Capabilities capabilities,
        KeyValueStore store,
        PalmreaderMetrics metrics,
        InferenceClient inference,
        EventLogConfig eventLog,
        FrameMemory frameMemory,
        NodeConfig nodeConfig) {

    /** This node's id, for its own records (what clients are told of it is up to {@code nodeConfig}). */
    String node() {
        return nodeConfig.nodeId();
    }
}

package io.palmreader.inference;

import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.DecodedFrame;
import io.palmreader.vision.FrameDecoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;

/**
 * Frames decoded ahead of a GPU worker on the node's shared {@value #POOL} pool, so that the worker's own thread only
 * feeds the GPU (a 640 × 480 JPEG takes longer to decode than a GPU takes to run it).
 */
final class DecodeAhead {

    /** The pool's name: one pool per node, shared by its GPU workers. */
    static final String POOL = "inference-prep";

    private final WorkerExecutor pool;
    private final FrameDecoder decoder;

    /** Decoding ahead for a worker on {@code target}, or null where its frames are decoded with their batch. */
    static DecodeAhead forWorker(Vertx vertx, InferenceConfig config, ComputeTarget target) {
        int threads = config.decodeAheadThreadsFor(target);
        return threads > 0 ? new DecodeAhead(vertx, threads, config.pipeline().maxPixels()) : null;
    }

    /** @param maxPixels frames declaring more are refused before they are decoded */
    DecodeAhead(Vertx vertx, int threads, long maxPixels) {
        this.pool = vertx.createSharedWorkerExecutor(POOL, threads);
        this.decoder = new FrameDecoder(maxPixels);
    }

    /**
     * The frame decoded (or why it could not be), or null should the pool refuse the work: the worker's thread then
     * decodes it with its batch, so a frame is never lost. Unordered: frames of different sessions need not wait for each
     * other's decoding.
     */
    Future<DecodedFrame> decode(Buffer image) {
        byte[] encoded = image.getBytes();
        return pool.executeBlocking(() -> DecodedFrame.decode(decoder, encoded), false)
                .otherwise((DecodedFrame) null);
    }

    Future<Void> close() {
        return pool.close();
    }
}

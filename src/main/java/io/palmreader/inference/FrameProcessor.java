package io.palmreader.inference;

import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.DecodedFrame;
import java.util.List;

/**
 * Turns a batch of frames into answers, in order: the model ({@link PipelineProcessor}) or its stand-in for transport
 * and load tests ({@link EchoProcessor}). Used by one thread at a time.
 */
interface FrameProcessor extends AutoCloseable {

    /**
     * The processor of a worker on {@code target}, built on the thread that will run it: a CUDA device binding is per
     * thread.
     */
    static FrameProcessor create(InferenceConfig config, String worker, ComputeTarget target) {
        if (config.echo()) {
            return new EchoProcessor(worker, config.echoCosts());
        }
        target.bindThread();
        return new PipelineProcessor(config.pipeline(), worker, config.engineFor(target));
    }

    /**
     * @param tasks     frames from any sessions
     * @param decoded   per task, its frame already decoded on another thread (ownership passes here), or null to
     *                  decode it here
     * @param rungs     per task, the rung of the quality ladder it runs on
     * @param startedMs when the batch started (server clock), to compute each frame's queue time
     */
    List<FrameAnswer> process(List<FrameTask> tasks, List<DecodedFrame> decoded, List<Rung> rungs, long startedMs);

    /** What runs the frames, for the start-up line. */
    String description();

    /**
     * Pays one-off costs before real frames come.
     *
     * @param ladder whether frames may run on the lower rungs too: their models are loaded and measured now
     * @return a first estimate of the time a frame takes, ms, by what runs
     */
    FrameCosts warmUp(boolean ladder);

    /** Why it runs slower than it should, for a warning at start-up, or null. */
    default String shortfall() {
        return null;
    }

    @Override
    void close();
}

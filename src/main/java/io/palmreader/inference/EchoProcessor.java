package io.palmreader.inference;

import io.palmreader.vision.DecodedFrame;
import io.palmreader.vision.StageTimings;
import java.util.ArrayList;
import java.util.List;

/**
 * The stand-in for the model ({@code inference.mode = echo}): every frame still crosses the event bus to a worker
 * thread and back, but the worker answers with no hands, at once or after {@code inference.echoDelayMs} per frame. The
 * delay makes a worker of known, fixed cost whatever the machine: how overload and shedding are measured and tested.
 * Never the default.
 */
final class EchoProcessor implements FrameProcessor {

    private final String worker;
    private final int delayMs;

    EchoProcessor(String worker, int delayMs) {
        this.worker = worker;
        this.delayMs = delayMs;
    }

    @Override
    public List<FrameAnswer> process(List<FrameTask> tasks, List<DecodedFrame> decoded, long startedMs) {
        if (delayMs > 0) {
            try {
                // This runs on the worker's own thread, as the model would: the thread is busy for the frames' cost.
                Thread.sleep((long) delayMs * tasks.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<FrameAnswer> answers = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            FrameTask t = tasks.get(i);
            if (decoded.get(i) != null) {
                decoded.get(i).discard();
            }
            answers.add(new FrameAnswer(
                    t.sequence(),
                    0,
                    0,
                    List.of(),
                    false,
                    t.tracking(),
                    new StageTimings(0, 0, 0, 0, delayMs),
                    Math.max(0, startedMs - t.sentAtMs()),
                    tasks.size(),
                    worker,
                    null,
                    null));
        }
        return answers;
    }

    @Override
    public double warmUp() {
        return delayMs;
    }

    @Override
    public String description() {
        return delayMs > 0 ? "echo (no model), " + delayMs + " ms per frame" : "echo (no model)";
    }

    @Override
    public void close() {}
}

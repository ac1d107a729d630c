package io.palmreader.inference;

import io.palmreader.vision.DecodedFrame;
import io.palmreader.vision.StageTimings;
import java.util.ArrayList;
import java.util.List;

/**
 * The stand-in for the model ({@code inference.mode = echo}): every frame still crosses the event bus to a worker
 * thread and back, but the worker answers with no hands, at once or after {@code inference.echoDelayMs} per frame (one
 * delay, or one per rung of the quality ladder). The delay makes a worker of known, fixed cost whatever the machine:
 * how overload, degrading and shedding are measured and tested. Never the default.
 */
final class EchoProcessor implements FrameProcessor {

    private final String worker;
    private final FrameCosts costs;

    EchoProcessor(String worker, FrameCosts costs) {
        this.worker = worker;
        this.costs = costs;
    }

    @Override
    public List<FrameAnswer> process(
            List<FrameTask> tasks, List<DecodedFrame> decoded, List<Rung> rungs, long startedMs) {
        double[] byIndex = costs.toArray();
        double[] delays = new double[tasks.size()];
        double totalMs = 0;
        for (int i = 0; i < tasks.size(); i++) {
            delays[i] = byIndex[FrameCosts.index(rungs.get(i), tasks.get(i).model())];
            totalMs += delays[i];
        }
        if (totalMs > 0) {
            try {
                // This runs on the worker's own thread, as the model would: the thread is busy for the frames' cost.
                Thread.sleep(Math.round(totalMs));
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
                    rungs.get(i).model(t.model()),
                    rungs.get(i),
                    new StageTimings(0, 0, 0, 0, delays[i]),
                    Math.max(0, startedMs - t.sentAtMs()),
                    tasks.size(),
                    worker,
                    null,
                    null));
        }
        return answers;
    }

    @Override
    public FrameCosts warmUp(boolean ladder) {
        return costs;
    }

    @Override
    public String description() {
        return costs.fullMs() > 0
                ? String.format(
                        java.util.Locale.ROOT,
                        "echo (no model), %.0f ms per frame (lite %.0f ms, searching less %.0f ms)",
                        costs.fullMs(),
                        costs.liteMs(),
                        costs.sparseSearchMs())
                : "echo (no model)";
    }

    @Override
    public void close() {}
}

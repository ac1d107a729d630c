package io.palmreader.inference;

import io.palmreader.protocol.ErrorCode;
import io.palmreader.vision.DecodedFrame;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.FrameResult;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.InvalidFrameException;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real inference: one {@link HandPipeline} per model size and hand count that sessions ask for, created on first
 * use on the worker's own thread (where a CUDA worker has bound its device). A batch is split by pipeline and palm
 * search interval (both set by each frame's {@link Rung}); within each part, frames go through the networks together.
 */
final class PipelineProcessor implements FrameProcessor {

    private final PipelineOptions base;
    private final String worker;
    private final EngineOptions engine;
    private final Map<PipelineOptions, HandPipeline> pipelines = new HashMap<>();

    /** Frames that run through one pipeline together. */
    private record Part(PipelineOptions options, int palmSearchInterval) {}

    PipelineProcessor(PipelineOptions base, String worker, EngineOptions engine) {
        this.base = base;
        this.worker = worker;
        this.engine = engine;
        // Load the default models now, so that a missing model fails deployment rather than the first frame.
        pipelineFor(base);
    }

    private HandPipeline pipelineFor(PipelineOptions options) {
        return pipelines.computeIfAbsent(options, o -> new HandPipeline(o, engine));
    }

    @Override
    public String description() {
        return pipelineFor(base).engineDescription();
    }

    @Override
    public FrameCosts warmUp(boolean ladder) {
        if (!ladder) {
            return FrameCosts.uniform(pipelineFor(base).warmUp(3));
        }
        // Both models are loaded now, so that the first frame degraded under load does not wait for the lite one.
        double full = pipelineFor(base.withModel(ModelVariant.FULL)).warmUp(3);
        double lite = pipelineFor(base.withModel(ModelVariant.LITE)).warmUp(3);
        return new FrameCosts(full, lite, lite);
    }

    @Override
    public String shortfall() {
        return pipelineFor(base).engineShortfall();
    }

    @Override
    public List<FrameAnswer> process(
            List<FrameTask> tasks, List<DecodedFrame> decoded, List<Rung> rungs, long startedMs) {
        FrameAnswer[] answers = new FrameAnswer[tasks.size()];
        Map<Part, List<Integer>> parts = new HashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            FrameTask t = tasks.get(i);
            Rung rung = rungs.get(i);
            PipelineOptions options =
                    base.withModel(rung.model(t.model())).withMaxHands(Math.min(t.maxHands(), base.maxHands()));
            parts.computeIfAbsent(
                            new Part(options, rung.palmSearchInterval(base.palmSearchInterval())),
                            o -> new ArrayList<>())
                    .add(i);
        }
        for (Map.Entry<Part, List<Integer>> part : parts.entrySet()) {
            List<FrameRequest> requests = new ArrayList<>(part.getValue().size());
            for (int i : part.getValue()) {
                DecodedFrame ahead = decoded.get(i);
                requests.add(
                        ahead != null
                                ? FrameRequest.decoded(ahead, tasks.get(i).tracking())
                                : new FrameRequest(
                                        tasks.get(i).image().getBytes(),
                                        tasks.get(i).tracking()));
            }
            Part p = part.getKey();
            List<FrameResult> results = pipelineFor(p.options()).process(requests, p.palmSearchInterval());
            for (int k = 0; k < results.size(); k++) {
                int i = part.getValue().get(k);
                answers[i] = answer(
                        tasks.get(i), rungs.get(i), p.options().model(), results.get(k), startedMs, requests.size());
            }
        }
        return List.of(answers);
    }

    private FrameAnswer answer(
            FrameTask task, Rung rung, ModelVariant model, FrameResult r, long startedMs, int batchSize) {
        double queueMs = Math.max(0, startedMs - task.sentAtMs());
        if (r.failed()) {
            ErrorCode code = r.error() instanceof InvalidFrameException e
                    ? e.reason() == InvalidFrameException.Reason.TOO_LARGE
                            ? ErrorCode.FRAME_TOO_LARGE
                            : ErrorCode.INVALID_FRAME
                    : ErrorCode.INTERNAL;
            // A refused frame keeps the session's tracking: the next good frame continues where it left off.
            return new FrameAnswer(
                    task.sequence(),
                    0,
                    0,
                    List.of(),
                    false,
                    task.tracking(),
                    model,
                    rung,
                    r.timings(),
                    queueMs,
                    batchSize,
                    worker,
                    code,
                    r.error().getMessage());
        }
        return new FrameAnswer(
                task.sequence(),
                r.width(),
                r.height(),
                r.hands(),
                r.detectorRan(),
                r.tracking(),
                model,
                rung,
                r.timings(),
                queueMs,
                batchSize,
                worker,
                null,
                null);
    }

    @Override
    public void close() {
        pipelines.values().forEach(HandPipeline::close);
        pipelines.clear();
    }
}

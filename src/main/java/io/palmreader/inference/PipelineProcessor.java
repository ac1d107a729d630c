package io.palmreader.inference;

import io.palmreader.protocol.ErrorCode;
import io.palmreader.vision.DecodedFrame;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.FrameResult;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.InvalidFrameException;
import io.palmreader.vision.PipelineOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real inference: one {@link HandPipeline} per model size and hand count that sessions ask for, created on first
 * use on the worker's own thread (where a CUDA worker has bound its device). A batch is split by pipeline; within
 * each, frames go through the networks together.
 */
final class PipelineProcessor implements FrameProcessor {

    private final PipelineOptions base;
    private final String worker;
    private final EngineOptions engine;
    private final Map<PipelineOptions, HandPipeline> pipelines = new HashMap<>();

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
    public double warmUp() {
        return pipelineFor(base).warmUp(3);
    }

    @Override
    public String shortfall() {
        return pipelineFor(base).engineShortfall();
    }

    @Override
    public List<FrameAnswer> process(List<FrameTask> tasks, List<DecodedFrame> decoded, long startedMs) {
        FrameAnswer[] answers = new FrameAnswer[tasks.size()];
        Map<PipelineOptions, List<Integer>> groups = new HashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            FrameTask t = tasks.get(i);
            PipelineOptions options = base.withModel(t.model()).withMaxHands(Math.min(t.maxHands(), base.maxHands()));
            groups.computeIfAbsent(options, o -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<PipelineOptions, List<Integer>> group : groups.entrySet()) {
            List<FrameRequest> requests = new ArrayList<>(group.getValue().size());
            for (int i : group.getValue()) {
                DecodedFrame ahead = decoded.get(i);
                requests.add(
                        ahead != null
                                ? FrameRequest.decoded(ahead, tasks.get(i).tracking())
                                : new FrameRequest(
                                        tasks.get(i).image().getBytes(),
                                        tasks.get(i).tracking()));
            }
            List<FrameResult> results = pipelineFor(group.getKey()).process(requests);
            for (int k = 0; k < results.size(); k++) {
                int i = group.getValue().get(k);
                answers[i] = answer(tasks.get(i), results.get(k), startedMs, requests.size());
            }
        }
        return List.of(answers);
    }

    private FrameAnswer answer(FrameTask task, FrameResult r, long startedMs, int batchSize) {
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

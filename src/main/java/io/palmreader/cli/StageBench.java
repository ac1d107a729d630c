package io.palmreader.cli;

import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.FrameResult;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.StageTimings;
import io.palmreader.vision.TrackingState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** The measuring loops of {@code bench}: photos through one or more pipelines, each frame's stage times kept. */
final class StageBench {

    private StageBench() {}

    /** Splits the photos among the pipelines, runs them side by side and merges their samples. */
    static StageSamples runParallel(
            List<HandPipeline> pipelines, List<byte[]> photos, int frames, int batch, boolean track) {
        if (pipelines.size() == 1) {
            return run(pipelines.get(0), photos, frames, batch, track);
        }
        int n = pipelines.size();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<StageSamples>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < n; t++) {
                List<byte[]> share = new ArrayList<>();
                for (int i = t; i < photos.size(); i += n) {
                    share.add(photos.get(i));
                }
                HandPipeline pipeline = pipelines.get(t);
                int count = frames / n + (t < frames % n ? 1 : 0);
                futures.add(pool.submit(() -> run(pipeline, share.isEmpty() ? photos : share, count, batch, track)));
            }
            List<StageSamples> parts = new ArrayList<>();
            for (Future<StageSamples> f : futures) {
                parts.add(f.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double detector = 0;
            for (StageSamples p : parts) {
                detector += p.detectorShare() * p.total().length;
            }
            return new StageSamples(
                    concat(parts, StageSamples::decode),
                    concat(parts, StageSamples::palm),
                    concat(parts, StageSamples::landmarks),
                    concat(parts, StageSamples::classify),
                    concat(parts, StageSamples::total),
                    frames / seconds,
                    detector / frames);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("benchmark thread failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[] concat(List<StageSamples> parts, Function<StageSamples, double[]> stage) {
        return parts.stream()
                .flatMapToDouble(p -> Arrays.stream(stage.apply(p)))
                .toArray();
    }

    /**
     * Untracked: photos in turn, each searched afresh. Tracked: each photo becomes a stream of identical frames
     * carrying its tracking state, as a still camera would give.
     */
    private static StageSamples run(HandPipeline pipeline, List<byte[]> photos, int frames, int batch, boolean track) {
        double[] decode = new double[frames];
        double[] palm = new double[frames];
        double[] landmarks = new double[frames];
        double[] classify = new double[frames];
        double[] total = new double[frames];
        TrackingState[] states = new TrackingState[photos.size()];
        Arrays.fill(states, TrackingState.NONE);
        int detectorRuns = 0;
        int done = 0;
        int next = 0;
        long start = System.nanoTime();
        while (done < frames) {
            int n = Math.min(batch, frames - done);
            List<FrameRequest> requests = new ArrayList<>(n);
            int[] which = new int[n];
            for (int i = 0; i < n; i++) {
                which[i] = next;
                requests.add(new FrameRequest(photos.get(next), track ? states[next] : TrackingState.NONE));
                next = (next + 1) % photos.size();
            }
            List<FrameResult> results = pipeline.process(requests);
            for (int i = 0; i < n; i++) {
                FrameResult r = results.get(i);
                StageTimings t = r.timings();
                decode[done] = t.decodeMs();
                palm[done] = t.palmMs();
                landmarks[done] = t.landmarksMs();
                classify[done] = t.classifyMs();
                total[done] = t.totalMs();
                detectorRuns += r.detectorRan() ? 1 : 0;
                states[which[i]] = r.tracking();
                done++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new StageSamples(
                decode, palm, landmarks, classify, total, frames / seconds, (double) detectorRuns / frames);
    }
}

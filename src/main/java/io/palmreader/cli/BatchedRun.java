package io.palmreader.cli;

import io.palmreader.vision.DecodedFrame;
import io.palmreader.vision.FrameDecoder;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.FrameResult;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.TrackingState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** One {@code batchbench} measurement: frames/s and, per frame, latency, decoding and its batch's compute time. */
record BatchedRun(double framesPerSecond, double[] latencyMs, double[] decodeMs, double[] batchMs) {

    private static final int WARMUP_BATCHES = 5;

    /** A decoded frame on its way to the pipeline thread, and when its decoding began. */
    private record Ready(int photo, DecodedFrame decoded, long startedNanos) {}

    /**
     * Decoding threads fill a queue as fast as they can (an inference worker under load); the pipeline thread takes
     * what is there, up to the batch limit, and runs it. Tracked runs keep one tracking state per photo, as streams.
     */
    static BatchedRun measure(
            HandPipeline pipeline, List<byte[]> photos, int batch, int frames, int decodeThreads, boolean tracked) {
        FrameDecoder decoder = new FrameDecoder(pipeline.options().maxPixels());
        // Room for one batch: a fuller queue would only add waiting to each frame's latency, not throughput.
        BlockingQueue<Ready> queue = new ArrayBlockingQueue<>(batch);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService decoders = Executors.newFixedThreadPool(decodeThreads);
        AtomicInteger issued = new AtomicInteger();
        for (int t = 0; t < decodeThreads; t++) {
            decoders.execute(() -> {
                while (!stop.get()) {
                    int photo = Math.floorMod(issued.getAndIncrement(), photos.size());
                    long started = System.nanoTime();
                    DecodedFrame d = DecodedFrame.decode(decoder, photos.get(photo));
                    try {
                        queue.put(new Ready(photo, d, started));
                    } catch (InterruptedException e) {
                        d.discard();
                        return;
                    }
                }
            });
        }
        TrackingState[] states = new TrackingState[photos.size()];
        Arrays.fill(states, TrackingState.NONE);
        double[] latency = new double[frames];
        double[] decode = new double[frames];
        List<Double> batchMs = new ArrayList<>();
        int done = 0;
        int warm = 0;
        long measuredFrom = 0;
        try {
            while (done < frames) {
                List<Ready> taken = new ArrayList<>(batch);
                taken.add(queue.take());
                queue.drainTo(taken, batch - 1);
                List<FrameRequest> requests = new ArrayList<>(taken.size());
                for (Ready r : taken) {
                    requests.add(FrameRequest.decoded(r.decoded(), tracked ? states[r.photo()] : TrackingState.NONE));
                }
                long t0 = System.nanoTime();
                List<FrameResult> results = pipeline.process(requests);
                long t1 = System.nanoTime();
                if (warm < WARMUP_BATCHES) {
                    warm++;
                    if (warm == WARMUP_BATCHES) {
                        measuredFrom = System.nanoTime();
                    }
                    continue;
                }
                batchMs.add((t1 - t0) / 1e6);
                for (int i = 0; i < taken.size() && done < frames; i++) {
                    Ready r = taken.get(i);
                    states[r.photo()] = results.get(i).tracking();
                    latency[done] = (t1 - r.startedNanos()) / 1e6;
                    decode[done] = r.decoded().decodeMs();
                    done++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        } finally {
            stop.set(true);
            decoders.shutdownNow();
            try {
                decoders.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            queue.forEach(r -> r.decoded().discard());
        }
        double seconds = (System.nanoTime() - measuredFrom) / 1e9;
        return new BatchedRun(
                frames / seconds,
                latency,
                decode,
                batchMs.stream().mapToDouble(Double::doubleValue).toArray());
    }
}

package io.palmreader.cli;

import io.palmreader.gesture.GestureRecording;
import io.palmreader.gesture.HandGesture;
import io.palmreader.gesture.TaughtGestures;
import io.palmreader.observability.Latencies;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.FrameResult;
import io.palmreader.vision.Hand;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import io.palmreader.vision.TrackingState;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The taught-gesture part of {@code bench}: the hands of the photos, named against a user's full set of taught
 * gestures ({@value TaughtGestures#MAX_PER_USER}, each taught from one of those hands), as every answer is.
 */
final class TaughtGestureBench {

    private static final int ROUNDS = 20_000;

    private TaughtGestureBench() {}

    static void run(PrintStream out, EngineOptions engine, ModelVariant model, List<byte[]> photos) {
        List<Hand> hands = new ArrayList<>();
        try (HandPipeline pipeline = new HandPipeline(PipelineOptions.defaults().withModel(model), engine)) {
            for (byte[] photo : photos) {
                for (FrameResult r : pipeline.process(List.of(new FrameRequest(photo, TrackingState.NONE)))) {
                    hands.addAll(r.hands());
                }
            }
        }
        if (hands.isEmpty()) {
            out.println("## Taught gestures\n\nNo hand in these photos to measure on.\n");
            return;
        }
        TaughtGestures taught = TaughtGestures.NONE;
        for (int i = 0; i < TaughtGestures.MAX_PER_USER; i++) {
            GestureRecording r = new GestureRecording("Gesture " + i, GestureRecording.MIN_FRAMES, 0);
            while (!r.offer(List.of(hands.get(i % hands.size())))) {
                // the same hand each time: one example per call
            }
            try {
                taught = taught.with(r.finish(0));
            } catch (GestureRecording.TeachFailure impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        Latencies perHand = new Latencies();
        int matched = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Hand h = hands.get(round % hands.size());
            long start = System.nanoTime();
            List<HandGesture> shown = taught.label(List.of(h));
            double ms = (System.nanoTime() - start) / 1e6;
            if (round >= ROUNDS / 4) { // the first quarter warms the JIT
                perHand.record(ms);
            }
            matched += shown.get(0).taught() ? 1 : 0;
        }
        out.printf(
                Locale.ROOT,
                "## Taught gestures (%d taught, %d real hands, %d calls after %d warm-up)%n%n",
                TaughtGestures.MAX_PER_USER,
                hands.size(),
                perHand.count(),
                ROUNDS / 4);
        out.printf(
                Locale.ROOT,
                "Per hand: p50 %.1f µs, p99 %.1f µs, max %.1f µs; %d of %d calls named a taught " + "gesture.%n%n",
                perHand.percentile(50) * 1000,
                perHand.percentile(99) * 1000,
                perHand.max() * 1000,
                matched,
                ROUNDS);
    }
}

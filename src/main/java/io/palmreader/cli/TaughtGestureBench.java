package io.palmreader.cli;

import io.palmreader.gesture.HandGesture;
import io.palmreader.gesture.HandShape;
import io.palmreader.gesture.TaughtGesture;
import io.palmreader.gesture.TaughtGestures;
import io.palmreader.observability.Latencies;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.FrameResult;
import io.palmreader.vision.Hand;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.Handedness;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import io.palmreader.vision.TrackingState;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The taught-gesture part of {@code bench}: the hands of the photos, named against a user's full set of taught
 * gestures ({@value TaughtGestures#MAX_PER_USER} of {@value #RECORDINGS} recordings of three shapes each, the most
 * {@code gesture.maxRecordings} keeps by default), as every answer is.
 */
final class TaughtGestureBench {

    private static final int ROUNDS = 20_000;

    /** Recordings per gesture: {@code gesture.maxRecordings}'s default. */
    static final int RECORDINGS = 16;

    private TaughtGestureBench() {}

    /**
     * {@value TaughtGestures#MAX_PER_USER} gestures, each around one of the real hands moved by a different random
     * amount (so that they are distinct poses, as a user's are), each of {@value #RECORDINGS} recordings a little apart
     * with three shapes: the largest set a user can have, at the spread real recordings show.
     */
    static TaughtGestures fullSet(List<Hand> hands) {
        Random random = new Random(42);
        TaughtGestures taught = TaughtGestures.NONE;
        for (int g = 0; g < TaughtGestures.MAX_PER_USER; g++) {
            Hand h = hands.get(g % hands.size());
            float[] base =
                    moved(HandShape.canonical(h.worldLandmarks(), h.handedness() == Handedness.LEFT), random, 0.15);
            List<TaughtGesture.Recording> recordings = new ArrayList<>();
            for (int r = 0; r < RECORDINGS; r++) {
                float[] recording = moved(base, random, 0.05);
                List<float[]> shapes = new ArrayList<>();
                for (int s = 0; s < TaughtGesture.Recording.MAX_SHAPES; s++) {
                    shapes.add(moved(recording, random, 0.01));
                }
                recordings.add(new TaughtGesture.Recording(shapes, 15, "None", r));
            }
            taught = taught.with(new TaughtGesture("Gesture " + g, recordings));
        }
        return taught;
    }

    private static float[] moved(float[] shape, Random random, double by) {
        float[] out = shape.clone();
        for (int i = 3; i < out.length; i++) {
            out[i] += (float) (random.nextGaussian() * by);
        }
        return out;
    }

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
        TaughtGestures taught = fullSet(hands);
        // What a session pays to load the set, or to take a change: parsed from its stored JSON, radii learned.
        String stored = taught.toJson().encode();
        Latencies loads = new Latencies();
        for (int i = 0; i < 12; i++) {
            long start = System.nanoTime();
            TaughtGestures.fromJson(new JsonObject(stored));
            if (i >= 2) {
                loads.record((System.nanoTime() - start) / 1e6);
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
                "## Taught gestures (%d taught of %d recordings each, %d real hands, %d calls after %d warm-up)%n%n",
                TaughtGestures.MAX_PER_USER,
                RECORDINGS,
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
        out.printf(
                Locale.ROOT,
                "Loading the whole set (%d KiB of JSON, %d examples): p50 %.1f ms, max %.1f ms.%n%n",
                stored.length() / 1024,
                TaughtGestures.MAX_PER_USER * RECORDINGS * TaughtGesture.Recording.MAX_SHAPES,
                loads.percentile(50),
                loads.max());
    }
}

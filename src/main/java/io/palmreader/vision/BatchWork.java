package io.palmreader.vision;

import java.util.ArrayList;
import java.util.List;

/**
 * What one batch of {@link HandPipeline} has found so far, per frame, and the results it comes to: the regions to
 * run the landmark model on, the palms seen, the hands kept, the regions to follow into the next frame and the time
 * each stage took.
 */
final class BatchWork {
    final List<List<HandRegion>> regions = new ArrayList<>();
    final List<List<PalmDetection>> palms = new ArrayList<>();
    final List<List<Hand>> hands = new ArrayList<>();
    final List<List<HandRegion>> next = new ArrayList<>();
    /** How many of each frame's regions were carried over from its stream's previous frame (they come first). */
    final int[] trackedCount;
    /** Each frame's scene signature, for its next frame to tell a cut. */
    final byte[][] scenes;

    final boolean[] detectorRan;
    final double[] palmMs;
    final double[] landmarksMs;
    final double[] classifyMs;

    BatchWork(int n) {
        for (int i = 0; i < n; i++) {
            regions.add(new ArrayList<>());
            palms.add(List.of());
            hands.add(List.of());
            next.add(List.of());
        }
        trackedCount = new int[n];
        scenes = new byte[n][];
        detectorRan = new boolean[n];
        palmMs = new double[n];
        landmarksMs = new double[n];
        classifyMs = new double[n];
    }

    /**
     * Takes the regions tracked from frame {@code i}'s previous frame, up to {@code maxHands}, unless the frame has
     * another size or shows another scene.
     *
     * @return the state to go on from: {@code state}, or {@link TrackingState#NONE} after a cut
     */
    TrackingState carryOver(int i, Frame frame, TrackingState state, byte[] scene, int maxHands) {
        scenes[i] = scene;
        TrackingState s = state;
        if (SceneSignature.isCut(s.scene(), scene)) {
            s = TrackingState.NONE; // another picture: seen afresh
        }
        List<HandRegion> tracked = regions.get(i);
        if (s.appliesTo(frame.width(), frame.height())) {
            for (HandRegion r : s.regions()) {
                if (tracked.size() < maxHands) {
                    tracked.add(r);
                }
            }
        }
        trackedCount[i] = tracked.size();
        return s;
    }

    /** Each frame's result, with the tracking state its stream's next frame needs. */
    List<FrameResult> results(List<Frame> frames, List<TrackingState> states, long startNanos) {
        List<FrameResult> results = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            int sinceSearch =
                    detectorRan[i] ? 0 : TrackingState.orNone(states.get(i)).framesSincePalmSearch() + 1;
            results.add(new FrameResult(
                    f.width(),
                    f.height(),
                    hands.get(i),
                    detectorRan[i],
                    new TrackingState(f.width(), f.height(), next.get(i), sinceSearch, scenes[i]),
                    new StageTimings(0, palmMs[i], landmarksMs[i], classifyMs[i], StageTimings.millisSince(startNanos)),
                    null));
        }
        return results;
    }
}

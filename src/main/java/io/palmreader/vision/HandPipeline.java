package io.palmreader.vision;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MediaPipe's hand pipeline, for batches of frames from independent streams, on a {@link ModelEngine} (TensorFlow
 * Lite on the CPU, OpenCV DNN on CUDA).
 *
 * <p>Per frame: decode; take the hand regions tracked from the stream's previous frame; run the palm detector
 * only when fewer than {@code maxHands} hands are tracked (with at least one tracked, only every
 * {@code palmSearchInterval} frames) and add the new palms that do not overlap a tracked hand; run the landmark
 * model on every region; keep hands whose presence passes the threshold, derive the next frame's regions from
 * their landmarks, and classify their gesture. When every tracked hand is lost on a frame, the palm detector runs
 * on that same frame, so a cut or a fast movement costs no empty answer (MediaPipe waits for the next frame).
 * Both models run once per batch over every frame (palm) or every region (landmarks) that needs them.
 *
 * <p>Not thread-safe: it owns its engine. Use one instance per thread; close it to free native memory.
 */
public final class HandPipeline implements AutoCloseable {

    private final PipelineOptions options;
    private final FrameDecoder decoder;
    private final ModelEngine engine;
    private final PalmDetector palmDetector;
    private final LandmarkModel landmarkModel;
    private final GestureClassifier classifier = new GestureClassifier();
    private final SceneSignature sceneSignature = new SceneSignature();

    /** Loads the models packaged in the jar into the default engine: TensorFlow Lite on the CPU, one thread. */
    public HandPipeline(PipelineOptions options) {
        this(options, null, EngineOptions.CPU);
    }

    /** Loads the models packaged in the jar into the engine {@code engine} describes. */
    public HandPipeline(PipelineOptions options, EngineOptions engine) {
        this(options, null, engine);
    }

    /** Loads models from {@code modelFolder} (null: the jar's) into the default engine. */
    public HandPipeline(PipelineOptions options, Path modelFolder) {
        this(options, modelFolder, EngineOptions.CPU);
    }

    /**
     * @param modelFolder folder holding the {@code .tflite} files, or null for the ones packaged in the jar
     * @param engine      which engine, where and with how many threads; a CUDA target must already be bound to the
     *                    calling thread
     * @throws ModelLoadException if a model is missing or the engine cannot load it
     */
    public HandPipeline(PipelineOptions options, Path modelFolder, EngineOptions engine) {
        this(options, engine.open(modelFolder, options.model()));
    }

    /** Runs on {@code engine}, which this pipeline now owns. */
    HandPipeline(PipelineOptions options, ModelEngine engine) {
        this.options = options;
        this.decoder = new FrameDecoder(options.maxPixels());
        this.engine = engine;
        this.palmDetector = new PalmDetector(engine);
        this.landmarkModel = new LandmarkModel(engine);
    }

    /** The engine running the networks, as the start-up line names it. */
    public String engineDescription() {
        return engine.description();
    }

    /**
     * Runs both networks a few times on a blank frame, as a frame searched afresh with one hand to follow would, so
     * that one-off costs (first-run allocations, caches) are paid before real frames come.
     *
     * @return the time the last round took, ms: a first estimate of the cost of a frame
     */
    public double warmUp(int rounds) {
        try (Frame blank = new Frame(new org.bytedeco.opencv.opencv_core.Mat(
                480,
                640,
                org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                new org.bytedeco.opencv.opencv_core.Scalar(96, 96, 96, 0)))) {
            // A region to follow makes the landmark model run too; with it lost, the detector searches the same frame.
            TrackingState oneHand = new TrackingState(640, 480, List.of(new HandRegion(320, 240, 200, 200, 0)), 0);
            double ms = 0;
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                processDecoded(List.of(blank), List.of(oneHand));
                ms = StageTimings.millisSince(t0);
            }
            return ms;
        }
    }

    /** Why the engine runs slower than it should, or null. */
    public String engineShortfall() {
        return engine.shortfall();
    }

    public PipelineOptions options() {
        return options;
    }

    /**
     * Decodes (where not decoded already) and processes a batch; a frame that cannot be decoded gets a failed result,
     * the rest go on. Every frame's pixels are freed on return.
     */
    public List<FrameResult> process(List<FrameRequest> requests) {
        return process(requests, options.palmSearchInterval());
    }

    /**
     * As {@link #process(List)}, with the palm detector looking for new hands every {@code palmSearchInterval} frames
     * of a stream instead of the options' interval (a worker under load searches less often).
     */
    public List<FrameResult> process(List<FrameRequest> requests, int palmSearchInterval) {
        int n = requests.size();
        Frame[] frames = new Frame[n];
        double[] decodeMs = new double[n];
        InvalidFrameException[] errors = new InvalidFrameException[n];
        try {
            for (int i = 0; i < n; i++) {
                FrameRequest request = requests.get(i);
                DecodedFrame d =
                        request.decoded() != null ? request.decoded() : DecodedFrame.decode(decoder, request.encoded());
                frames[i] = d.frame();
                errors[i] = d.error();
                decodeMs[i] = d.decodeMs();
            }
            List<Frame> decoded = new ArrayList<>(n);
            List<TrackingState> states = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (frames[i] != null) {
                    decoded.add(frames[i]);
                    states.add(requests.get(i).tracking());
                }
            }
            List<FrameResult> inner = processIsolatingFailures(decoded, states, palmSearchInterval);
            List<FrameResult> results = new ArrayList<>(n);
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (errors[i] != null) {
                    results.add(FrameResult.failed(errors[i], new StageTimings(decodeMs[i], 0, 0, 0, decodeMs[i])));
                } else {
                    results.add(inner.get(k++).afterDecode(decodeMs[i]));
                }
            }
            return results;
        } finally {
            for (Frame f : frames) {
                if (f != null) {
                    f.close();
                }
            }
        }
    }

    /**
     * Processes the batch; should a network fail on it, each frame is run again on its own so that only the frame it
     * fails on gets a failed result.
     */
    private List<FrameResult> processIsolatingFailures(
            List<Frame> frames, List<TrackingState> states, int palmSearchInterval) {
        try {
            return processDecoded(frames, states, palmSearchInterval);
        } catch (InferenceException batchFailure) {
            List<FrameResult> results = new ArrayList<>(frames.size());
            for (int i = 0; i < frames.size(); i++) {
                long t0 = System.nanoTime();
                try {
                    results.add(processDecoded(
                                    List.of(frames.get(i)),
                                    java.util.Collections.singletonList(states.get(i)),
                                    palmSearchInterval)
                            .get(0));
                } catch (InferenceException e) {
                    double ms = StageTimings.millisSince(t0);
                    results.add(FrameResult.failed(e, new StageTimings(0, 0, 0, 0, ms)));
                }
            }
            return results;
        }
    }

    /**
     * Processes frames already decoded (the caller keeps ownership of them).
     *
     * @throws InferenceException when a network fails on the batch
     */
    public List<FrameResult> processDecoded(List<Frame> frames, List<TrackingState> states) {
        return processDecoded(frames, states, options.palmSearchInterval());
    }

    private List<FrameResult> processDecoded(List<Frame> frames, List<TrackingState> states, int palmSearchInterval) {
        if (frames.size() != states.size()) {
            throw new IllegalArgumentException(frames.size() + " frames but " + states.size() + " tracking states");
        }
        int n = frames.size();
        long start = System.nanoTime();
        BatchWork work = new BatchWork(n);

        // Regions carried over from each stream's previous frame.
        List<Integer> search = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Frame f = frames.get(i);
            TrackingState s =
                    work.carryOver(i, f, TrackingState.orNone(states.get(i)), sceneSignature.of(f), options.maxHands());
            int tracked = work.trackedCount[i];
            boolean searchDue = tracked == 0 || s.framesSincePalmSearch() + 1 >= palmSearchInterval;
            if (tracked < options.maxHands() && searchDue) {
                search.add(i);
            }
        }
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        detectPalms(frames, search, work);
        for (int i : search) {
            addNewHands(work.regions.get(i), work.palms.get(i), List.copyOf(work.regions.get(i)));
        }
        findLandmarks(frames, all, work);

        // Every tracked hand lost: look for hands in this same frame rather than answer it empty.
        List<Integer> lost = new ArrayList<>();
        List<Integer> detectNow = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (work.trackedCount[i] > 0 && work.hands.get(i).isEmpty()) {
                lost.add(i);
                if (!work.detectorRan[i]) {
                    detectNow.add(i);
                }
            }
        }
        if (!lost.isEmpty()) {
            detectPalms(frames, detectNow, work);
            for (int i : lost) {
                // Palms the detector saw where a tracked hand was expected were set aside as that hand: it is gone,
                // so they are new hands now.
                List<HandRegion> regions = work.regions.get(i);
                List<HandRegion> triedAlready = List.copyOf(regions.subList(work.trackedCount[i], regions.size()));
                regions.clear();
                addNewHands(regions, work.palms.get(i), triedAlready);
            }
            findLandmarks(frames, lost, work);
        }

        return work.results(frames, states, start);
    }

    /** Runs the palm detector, as one batch, on the frames {@code which}; each sees the batch's time. */
    private void detectPalms(List<Frame> frames, List<Integer> which, BatchWork work) {
        if (which.isEmpty()) {
            return;
        }
        List<Frame> batch = new ArrayList<>(which.size());
        which.forEach(i -> batch.add(frames.get(i)));
        long t0 = System.nanoTime();
        List<List<PalmDetection>> found =
                palmDetector.detect(batch, options.minDetectionConfidence(), options.maxHands());
        double ms = StageTimings.millisSince(t0);
        for (int j = 0; j < which.size(); j++) {
            int i = which.get(j);
            work.palms.set(i, found.get(j));
            work.detectorRan[i] = true;
            work.palmMs[i] += ms;
        }
    }

    /**
     * Runs the landmark model, as one batch, on every region of the frames {@code which}, and turns what it finds into
     * each frame's hands and the regions to track into its next frame.
     */
    private void findLandmarks(List<Frame> frames, List<Integer> which, BatchWork work) {
        List<LandmarkModel.Crop> crops = new ArrayList<>();
        for (int i : which) {
            for (HandRegion r : work.regions.get(i)) {
                crops.add(new LandmarkModel.Crop(frames.get(i), r));
            }
        }
        long t0 = System.nanoTime();
        List<LandmarkModel.Output> outputs = landmarkModel.run(crops);
        double ms = crops.isEmpty() ? 0 : StageTimings.millisSince(t0);
        int k = 0;
        for (int i : which) {
            Frame f = frames.get(i);
            long c0 = System.nanoTime();
            List<Hand> hands = new ArrayList<>();
            List<HandRegion> next = new ArrayList<>();
            for (HandRegion region : work.regions.get(i)) {
                LandmarkModel.Output out = outputs.get(k++);
                if (out.presence() < options.minPresenceConfidence()) {
                    continue;
                }
                HandRegion following = HandRegion.fromLandmarks(out.pixels(), 3);
                if (following.overlapsAny(next)) {
                    continue; // two regions converged on one hand: keep the first (tracked before detected)
                }
                hands.add(Hand.of(out, region, f.width(), f.height(), classifier.classify(out.pixels())));
                if (out.presence() >= options.minTrackingConfidence()) {
                    next.add(following);
                }
            }
            work.hands.set(i, hands);
            work.next.set(i, next);
            work.landmarksMs[i] += ms;
            work.classifyMs[i] += StageTimings.millisSince(c0);
        }
    }

    /**
     * Adds palm regions for hands not already known, up to maxHands; tracked hands take precedence over palms that
     * overlap them.
     */
    private void addNewHands(List<HandRegion> regions, List<PalmDetection> palms, List<HandRegion> known) {
        for (PalmDetection palm : palms) {
            if (regions.size() >= options.maxHands()) {
                return;
            }
            HandRegion region = HandRegion.fromPalm(palm);
            if (!region.overlapsAny(known)) {
                regions.add(region);
            }
        }
    }

    @Override
    public void close() {
        engine.close();
        sceneSignature.close();
    }
}

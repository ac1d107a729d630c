package io.palmreader.vision;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MediaPipe's hand pipeline on OpenCV DNN, for batches of frames from independent streams.
 *
 * <p>Per frame: decode; take the hand regions tracked from the stream's previous frame; run the palm detector
 * only when fewer than {@code maxHands} hands are tracked (with at least one tracked, only every
 * {@code palmSearchInterval} frames) and add the new palms that do not overlap a tracked hand; run the landmark model on every region; keep hands whose presence passes the threshold, derive the
 * next frame's regions from their landmarks, and classify their gesture. Both models run once per batch over
 * every frame (palm) or every region (landmarks) that needs them.
 *
 * <p>Not thread-safe: it owns its networks. Use one instance per thread; close it to free native memory.
 */
public final class HandPipeline implements AutoCloseable {

  /** Palm regions overlapping a tracked hand more than this are the same hand. */
  static final float SAME_HAND_OVERLAP = 0.5f;

  /**
   * One frame to process: the stream's tracking state (or {@link TrackingState#NONE}) and either the encoded bytes,
   * or the outcome of decoding them ahead of time on another thread ({@link #decoded}).
   */
  public record FrameRequest(byte[] encoded, TrackingState tracking, DecodedFrame decoded) {
    public FrameRequest {
      tracking = tracking == null ? TrackingState.NONE : tracking;
      if ((encoded == null) == (decoded == null)) {
        throw new IllegalArgumentException("a frame request carries either encoded bytes or a decoded frame");
      }
    }

    public FrameRequest(byte[] encoded, TrackingState tracking) {
      this(encoded, tracking, null);
    }

    /** A frame decoded ahead of time; the pipeline takes ownership of its pixels. */
    public static FrameRequest decoded(DecodedFrame decoded, TrackingState tracking) {
      return new FrameRequest(null, tracking, decoded);
    }
  }

  /**
   * The outcome of decoding one frame: its pixels, or why it could not be decoded, and how long it took. Decoding
   * is thread-safe and the costliest CPU step in front of a GPU, so a GPU worker has it done by other threads.
   */
  public record DecodedFrame(Frame frame, InvalidFrameException error, double decodeMs) {
    public static DecodedFrame decode(FrameDecoder decoder, byte[] encoded) {
      long t0 = System.nanoTime();
      try {
        Frame frame = decoder.decode(encoded);
        return new DecodedFrame(frame, null, millisSince(t0));
      } catch (InvalidFrameException e) {
        return new DecodedFrame(null, e, millisSince(t0));
      }
    }

    /** Frees the pixels of a frame that will not be processed after all. */
    public void discard() {
      if (frame != null) {
        frame.close();
      }
    }
  }

  private final PipelineOptions options;
  private final FrameDecoder decoder;
  private final PalmDetector palmDetector;
  private final LandmarkModel landmarkModel;
  private final GestureClassifier classifier = new GestureClassifier();

  /** Loads the models packaged in the jar, on the CPU. */
  public HandPipeline(PipelineOptions options) {
    this(options, null, ComputeTarget.CPU);
  }

  /** Loads the models packaged in the jar onto {@code target}. */
  public HandPipeline(PipelineOptions options, ComputeTarget target) {
    this(options, null, target);
  }

  /** Loads models from {@code modelFolder} (null: the jar's) on the CPU. */
  public HandPipeline(PipelineOptions options, Path modelFolder) {
    this(options, modelFolder, ComputeTarget.CPU);
  }

  /**
   * @param modelFolder folder holding the {@code .tflite} files, or null for the ones packaged in the jar
   * @param target      where the networks run; a CUDA target must already be bound to the calling thread
   * @throws ModelLoadException if a model is missing or cannot be loaded
   */
  public HandPipeline(PipelineOptions options, Path modelFolder, ComputeTarget target) {
    this.options = options;
    this.decoder = new FrameDecoder(options.maxPixels());
    PalmDetector palm = new PalmDetector(modelFolder, options.model(), target);
    try {
      this.landmarkModel = new LandmarkModel(modelFolder, options.model(), target);
    } catch (RuntimeException e) {
      palm.close();
      throw e;
    }
    this.palmDetector = palm;
  }

  public PipelineOptions options() {
    return options;
  }

  /**
   * Decodes (where not decoded already) and processes a batch; a frame that cannot be decoded gets a failed result,
   * the rest go on. Every frame's pixels are freed on return.
   */
  public List<FrameResult> process(List<FrameRequest> requests) {
    int n = requests.size();
    Frame[] frames = new Frame[n];
    double[] decodeMs = new double[n];
    InvalidFrameException[] errors = new InvalidFrameException[n];
    try {
      for (int i = 0; i < n; i++) {
        FrameRequest request = requests.get(i);
        DecodedFrame d = request.decoded() != null ? request.decoded() : DecodedFrame.decode(decoder, request.encoded());
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
      List<FrameResult> inner = processDecoded(decoded, states);
      List<FrameResult> results = new ArrayList<>(n);
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (errors[i] != null) {
          results.add(FrameResult.failed(errors[i], new StageTimings(decodeMs[i], 0, 0, 0, decodeMs[i])));
        } else {
          FrameResult r = inner.get(k++);
          StageTimings t = r.timings();
          results.add(new FrameResult(r.width(), r.height(), r.hands(), r.detectorRan(), r.tracking(),
              new StageTimings(decodeMs[i], t.palmMs(), t.landmarksMs(), t.classifyMs(), decodeMs[i] + t.totalMs()),
              null));
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

  /** Processes frames already decoded (the caller keeps ownership of them). */
  public List<FrameResult> processDecoded(List<Frame> frames, List<TrackingState> states) {
    if (frames.size() != states.size()) {
      throw new IllegalArgumentException(frames.size() + " frames but " + states.size() + " tracking states");
    }
    int n = frames.size();
    long start = System.nanoTime();

    // Regions carried over from each stream's previous frame.
    List<List<HandRegion>> regions = new ArrayList<>(n);
    List<Frame> needPalms = new ArrayList<>();
    List<Integer> needPalmsIndex = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Frame f = frames.get(i);
      TrackingState s = states.get(i) == null ? TrackingState.NONE : states.get(i);
      List<HandRegion> tracked = new ArrayList<>();
      if (s.appliesTo(f.width(), f.height())) {
        for (HandRegion r : s.regions()) {
          if (tracked.size() < options.maxHands()) {
            tracked.add(r);
          }
        }
      }
      regions.add(tracked);
      boolean searchDue = tracked.isEmpty() || s.framesSincePalmSearch() + 1 >= options.palmSearchInterval();
      if (tracked.size() < options.maxHands() && searchDue) {
        needPalms.add(f);
        needPalmsIndex.add(i);
      }
    }

    long t0 = System.nanoTime();
    List<List<PalmDetection>> palms = palmDetector.detect(needPalms, options.minDetectionConfidence(), options.maxHands());
    double palmMs = needPalms.isEmpty() ? 0 : millisSince(t0);
    boolean[] detectorRan = new boolean[n];
    for (int j = 0; j < needPalms.size(); j++) {
      int i = needPalmsIndex.get(j);
      detectorRan[i] = true;
      addNewHands(regions.get(i), palms.get(j));
    }

    List<LandmarkModel.Crop> crops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (HandRegion r : regions.get(i)) {
        crops.add(new LandmarkModel.Crop(frames.get(i), r));
      }
    }
    t0 = System.nanoTime();
    List<LandmarkModel.Output> outputs = landmarkModel.run(crops);
    double landmarksMs = crops.isEmpty() ? 0 : millisSince(t0);

    List<FrameResult> results = new ArrayList<>(n);
    int k = 0;
    for (int i = 0; i < n; i++) {
      Frame f = frames.get(i);
      TrackingState previous = states.get(i) == null ? TrackingState.NONE : states.get(i);
      int sinceSearch = detectorRan[i] ? 0 : previous.framesSincePalmSearch() + 1;
      long c0 = System.nanoTime();
      List<Hand> hands = new ArrayList<>();
      List<HandRegion> next = new ArrayList<>();
      for (HandRegion region : regions.get(i)) {
        LandmarkModel.Output out = outputs.get(k++);
        if (out.presence() < options.minPresenceConfidence()) {
          continue;
        }
        HandRegion following = HandRegion.fromLandmarks(out.pixels(), 3);
        if (overlapsAny(following, next)) {
          continue; // two regions converged on one hand: keep the first (tracked before detected)
        }
        hands.add(toHand(out, region, f.width(), f.height()));
        if (out.presence() >= options.minTrackingConfidence()) {
          next.add(following);
        }
      }
      double classifyMs = millisSince(c0);
      double totalMs = millisSince(start);
      results.add(new FrameResult(f.width(), f.height(), hands, detectorRan[i],
          new TrackingState(f.width(), f.height(), next, sinceSearch),
          new StageTimings(0, detectorRan[i] ? palmMs : 0, landmarksMs, classifyMs, totalMs), null));
    }
    return results;
  }

  /** Adds palm regions for hands not already tracked, up to maxHands; tracked hands take precedence. */
  private void addNewHands(List<HandRegion> tracked, List<PalmDetection> palms) {
    List<HandRegion> known = List.copyOf(tracked);
    for (PalmDetection palm : palms) {
      if (tracked.size() >= options.maxHands()) {
        return;
      }
      HandRegion region = HandRegion.fromPalm(palm);
      if (!overlapsAny(region, known)) {
        tracked.add(region);
      }
    }
  }

  private static boolean overlapsAny(HandRegion region, List<HandRegion> others) {
    for (HandRegion o : others) {
      if (region.overlap(o) > SAME_HAND_OVERLAP) {
        return true;
      }
    }
    return false;
  }

  private Hand toHand(LandmarkModel.Output out, HandRegion region, int width, int height) {
    GestureClassifier.Classification gesture = classifier.classify(out.pixels());
    float[] normalized = Arrays.copyOf(out.pixels(), out.pixels().length);
    for (int j = 0; j < Hand.LANDMARKS; j++) {
      normalized[3 * j] /= width;
      normalized[3 * j + 1] /= height;
      normalized[3 * j + 2] /= width;
    }
    boolean left = out.leftScore() > 0.5f;
    return new Hand(normalized, out.world(), out.presence(), left ? "Left" : "Right",
        left ? out.leftScore() : 1 - out.leftScore(), gesture.gesture(), gesture.score(), region);
  }

  private static double millisSince(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  @Override
  public void close() {
    palmDetector.close();
    landmarkModel.close();
  }
}

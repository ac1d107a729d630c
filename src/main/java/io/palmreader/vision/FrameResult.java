package io.palmreader.vision;

import java.util.List;

/**
 * What the pipeline found in one frame, or why it could not look.
 *
 * @param width       frame width as displayed (0 when the frame could not be decoded)
 * @param height      frame height as displayed
 * @param hands       hands found, at most maxHands
 * @param detectorRan whether the palm detector ran for this frame (false when tracking covered every hand)
 * @param tracking    the state to pass with the stream's next frame
 * @param timings     time spent per stage
 * @param error       why the frame gave no result (not an image, or a network failed on it), or null
 */
public record FrameResult(
        int width,
        int height,
        List<Hand> hands,
        boolean detectorRan,
        TrackingState tracking,
        StageTimings timings,
        FrameException error) {

    public FrameResult {
        hands = List.copyOf(hands);
    }

    static FrameResult failed(FrameException error, StageTimings timings) {
        return new FrameResult(0, 0, List.of(), false, TrackingState.NONE, timings, error);
    }

    /** This result with {@code decodeMs} spent decoding the frame before it was processed. */
    FrameResult afterDecode(double decodeMs) {
        StageTimings t = timings;
        return new FrameResult(
                width,
                height,
                hands,
                detectorRan,
                tracking,
                new StageTimings(decodeMs, t.palmMs(), t.landmarksMs(), t.classifyMs(), decodeMs + t.totalMs()),
                error);
    }

    public boolean failed() {
        return error != null;
    }
}

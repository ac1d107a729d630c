package io.palmreader.vision;

import java.util.List;

/**
 * What a caller keeps between two frames of one stream so the next frame can skip the palm detector: the
 * regions where each tracked hand is expected, for a frame of the given size. Immutable and small, so it can
 * travel with a frame to any worker and back.
 *
 * @param frameWidth  width of the frame the regions belong to
 * @param frameHeight height of that frame
 * @param regions     one per tracked hand, in frame pixels
 * @param framesSincePalmSearch frames processed since the palm detector last ran for this stream
 * @param scene       the frame's scene signature (64 brightness values), so the next frame can tell a cut; empty
 *                    when unknown
 */
public record TrackingState(
        int frameWidth, int frameHeight, List<HandRegion> regions, int framesSincePalmSearch, byte[] scene) {

    public static final TrackingState NONE = new TrackingState(0, 0, List.of(), 0);

    public TrackingState {
        regions = List.copyOf(regions);
        scene = scene == null ? new byte[0] : scene.clone();
    }

    /** A state without a scene signature. */
    public TrackingState(int frameWidth, int frameHeight, List<HandRegion> regions, int framesSincePalmSearch) {
        this(frameWidth, frameHeight, regions, framesSincePalmSearch, null);
    }

    @Override
    public byte[] scene() {
        return scene.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackingState t
                && t.frameWidth == frameWidth
                && t.frameHeight == frameHeight
                && t.framesSincePalmSearch == framesSincePalmSearch
                && t.regions.equals(regions)
                && java.util.Arrays.equals(t.scene, scene);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(frameWidth, frameHeight, regions, framesSincePalmSearch)
                + 31 * java.util.Arrays.hashCode(scene);
    }

    @Override
    public String toString() {
        return "TrackingState[" + frameWidth + "x" + frameHeight + ", regions=" + regions + ", framesSincePalmSearch="
                + framesSincePalmSearch + ", scene=" + scene.length + " values]";
    }

    /** {@code state}, or {@link #NONE} for a stream that has none yet. */
    static TrackingState orNone(TrackingState state) {
        return state == null ? NONE : state;
    }

    /** Whether these regions can be used for a frame of this size (a resized stream starts over). */
    public boolean appliesTo(int width, int height) {
        return !regions.isEmpty() && width == frameWidth && height == frameHeight;
    }

    public boolean isEmpty() {
        return regions.isEmpty();
    }
}

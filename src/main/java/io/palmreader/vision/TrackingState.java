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
 */
public record TrackingState(int frameWidth, int frameHeight, List<HandRegion> regions, int framesSincePalmSearch) {

  public static final TrackingState NONE = new TrackingState(0, 0, List.of(), 0);

  public TrackingState {
    regions = List.copyOf(regions);
  }

  /** Whether these regions can be used for a frame of this size (a resized stream starts over). */
  public boolean appliesTo(int width, int height) {
    return !regions.isEmpty() && width == frameWidth && height == frameHeight;
  }

  public boolean isEmpty() {
    return regions.isEmpty();
  }
}

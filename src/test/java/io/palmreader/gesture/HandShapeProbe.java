package io.palmreader.gesture;

import io.palmreader.vision.Hand;

public final class HandShapeProbe {
  public static double distance(Hand a, Hand b) {
    return HandShape.distance(HandShape.features(HandShape.canonical(a.worldLandmarks(), "Left".equals(a.handedness()))),
        HandShape.features(HandShape.canonical(b.worldLandmarks(), "Left".equals(b.handedness()))));
  }
}

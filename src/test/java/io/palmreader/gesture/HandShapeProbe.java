package io.palmreader.gesture;

import io.palmreader.vision.Hand;
import io.palmreader.vision.Handedness;

public final class HandShapeProbe {
    public static double distance(Hand a, Hand b) {
        return HandShape.distance(
                HandShape.features(HandShape.canonical(a.worldLandmarks(), a.handedness() == Handedness.LEFT)),
                HandShape.features(HandShape.canonical(b.worldLandmarks(), b.handedness() == Handedness.LEFT)));
    }
}

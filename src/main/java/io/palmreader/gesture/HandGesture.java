package io.palmreader.gesture;

import io.palmreader.vision.Hand;

/**
 * What a hand shows, as its client is told: a canned gesture's label or a taught gesture's name, with its score.
 *
 * @param taught whether the name is one the user taught
 */
public record HandGesture(String name, float score, boolean taught) {

    /** The hand's canned gesture, as the classifier named it. */
    public static HandGesture canned(Hand hand) {
        return new HandGesture(hand.gesture().label(), hand.gestureScore(), false);
    }
}

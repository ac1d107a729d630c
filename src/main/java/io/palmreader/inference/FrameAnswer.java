package io.palmreader.inference;

import io.palmreader.protocol.ErrorCode;
import io.palmreader.vision.Hand;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.StageTimings;
import io.palmreader.vision.TrackingState;
import java.util.List;

/**
 * What a worker found in one frame.
 *
 * @param sequence     the frame's sequence number
 * @param width        frame width as displayed (0 when refused)
 * @param height       frame height as displayed
 * @param hands        the hands found
 * @param detectorRan  whether the palm detector ran
 * @param tracking     the session's tracking state for its next frame
 * @param model        the model that ran
 * @param rung         the rung of the quality ladder it ran on
 * @param timings      the pipeline's stage times
 * @param queueMs      time from the gateway sending the task to the worker starting its batch
 * @param batchSize    how many frames went through the networks together
 * @param worker       which node and device answered
 * @param error        why the frame was refused, or null
 * @param errorMessage a readable reason, or null
 */
public record FrameAnswer(
        long sequence,
        int width,
        int height,
        List<Hand> hands,
        boolean detectorRan,
        TrackingState tracking,
        ModelVariant model,
        Rung rung,
        StageTimings timings,
        double queueMs,
        int batchSize,
        String worker,
        ErrorCode error,
        String errorMessage) {

    public FrameAnswer {
        hands = List.copyOf(hands);
    }

    public boolean failed() {
        return error != null;
    }
}

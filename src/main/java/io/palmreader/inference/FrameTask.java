package io.palmreader.inference;

import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.TrackingState;
import io.vertx.core.buffer.Buffer;

/**
 * One frame of one session on its way to an inference worker. Workers keep nothing between frames: the
 * session's tracking state travels with the frame and comes back with the answer.
 *
 * @param sessionId  the session the frame belongs to
 * @param sequence   the client's frame number
 * @param captureTs  the client's capture time, ms since the epoch (its clock)
 * @param sentAtMs   when the gateway sent the task (server clock, ms since the epoch), for queue time
 * @param expiresAtMs when the gateway stops waiting for the answer ({@code session.answerTimeoutMs} after sending):
 *                   a worker does not run a frame nobody waits for
 * @param model      which model size the session asked for
 * @param rung       the rung of the quality ladder its session's last frame ran on, where this one starts
 * @param fixedQuality whether the session keeps its model under load, and is shed instead of degraded
 * @param maxHands   how many hands the session wants
 * @param tracking   the session's tracking state from its previous answer
 * @param image      the encoded JPEG or PNG, as received: copied into the pipeline's array on the worker thread,
 *                   not on the event loop
 */
public record FrameTask(
        String sessionId,
        long sequence,
        long captureTs,
        long sentAtMs,
        long expiresAtMs,
        ModelVariant model,
        Rung rung,
        boolean fixedQuality,
        int maxHands,
        TrackingState tracking,
        Buffer image) {}

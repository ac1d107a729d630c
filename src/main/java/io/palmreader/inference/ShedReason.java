package io.palmreader.inference;

import io.palmreader.observability.MetricTag;

/** Why a worker refused a frame without running it, as {@code palmreader_frames_shed_total{reason}} names it. */
public enum ShedReason implements MetricTag {
    /**
     * On arrival: the work ahead of it would have kept it longer than {@code inference.maxQueueMs}, or the worker is
     * stopping.
     */
    QUEUE_FULL("queue_full"),
    /**
     * At the head of the line: it had already been there {@code inference.maxQueueMs} (the work ahead took longer than
     * expected when it was admitted).
     */
    LATE("late"),
    /** At the head of the line: its gateway had stopped waiting for the answer. */
    EXPIRED("expired");

    private final String tag;

    ShedReason(String tag) {
        this.tag = tag;
    }

    @Override
    public String tag() {
        return tag;
    }
}

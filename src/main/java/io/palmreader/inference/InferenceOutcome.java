package io.palmreader.inference;

/** What became of a frame sent to the inference workers. */
public sealed interface InferenceOutcome {

    /** A worker ran the frame; the answer may still be a refusal of the frame itself (not an image). */
    record Answered(FrameAnswer answer) implements InferenceOutcome {}

    /** Every worker that could take it was busy: the frame was not run, and the next one may go. */
    record Busy() implements InferenceOutcome {}

    /**
     * No worker answered: none is deployed ({@code noWorkers}), or none answered within the session's answer time-out
     * (a node gone).
     */
    record NoCapacity(boolean noWorkers) implements InferenceOutcome {}

    /** The worker failed on the frame; {@code reason} is for the log. */
    record Failed(String reason) implements InferenceOutcome {}
}

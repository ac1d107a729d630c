package io.palmreader.inference;

/** Event bus addresses of the inference capability. */
public final class InferenceAddresses {

    /** Request/reply, load-balanced over every inference worker in the cluster: a {@link FrameTask} in, a {@link FrameAnswer} back. */
    public static final String FRAMES = "vision.frames";

    /** A message on {@link #FRAMES} with this header is a readiness probe: any worker answers it at once with its id. */
    public static final String PROBE_HEADER = "palmreader-probe";

    private InferenceAddresses() {}
}

package io.palmreader.inference;

/**
 * Why a worker failed a frame's request on {@value InferenceAddresses#FRAMES}: the failure codes of that address, owned
 * here so that they mean the same on every node whatever the client protocol's codes become. {@link InferenceClient}
 * turns them into {@link InferenceOutcome}s.
 */
public enum InferenceFailure {
    /**
     * Refused at once because it could not be answered in time ({@link ShedReason}): not an error of the frame's, the
     * session drops it with reason {@code worker_busy} and sends the next.
     */
    BUSY(503),
    /** The batch it was in failed in the networks; the worker carries on with the next. */
    BATCH_FAILED(500);

    private final int code;

    InferenceFailure(int code) {
        this.code = code;
    }

    /** The code on the bus ({@code ReplyException.failureCode()}); stable, whatever the order of these constants. */
    public int code() {
        return code;
    }

    /** The failure a bus code stands for, or null for a code no worker sends. */
    public static InferenceFailure of(int code) {
        for (InferenceFailure f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }
}

package io.palmreader.vision;

/**
 * A network failed on an input: the runtime returned an error for one stage (palm detection or landmarks) of one
 * model. The frame it happened on fails; the engine stays usable for the next.
 */
public final class InferenceException extends FrameException {

    private final String stage;
    private final String model;

    public InferenceException(String stage, String model, String message) {
        super(stage + " (" + model + ") failed: " + message);
        this.stage = stage;
        this.model = model;
    }

    /** {@code palm detection} or {@code landmarks}. */
    public String stage() {
        return stage;
    }

    /** The model file that failed. */
    public String model() {
        return model;
    }
}

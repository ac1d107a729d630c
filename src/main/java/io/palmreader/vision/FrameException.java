package io.palmreader.vision;

/**
 * Why the pipeline gave no result for one frame: the bytes were not an image it accepts
 * ({@link InvalidFrameException}), or a network failed on it ({@link InferenceException}). Either way only that
 * frame fails.
 */
public abstract sealed class FrameException extends RuntimeException permits InvalidFrameException, InferenceException {

    protected FrameException(String message) {
        super(message);
    }

    protected FrameException(String message, Throwable cause) {
        super(message, cause);
    }
}

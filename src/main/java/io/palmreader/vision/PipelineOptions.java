package io.palmreader.vision;

/**
 * How the hand pipeline runs. Defaults are MediaPipe's.
 *
 * @param maxHands                hands to find per frame (default 2)
 * @param model                   lite or full (default full)
 * @param minDetectionConfidence  palm detections scoring below are ignored (default 0.5)
 * @param minPresenceConfidence   landmark results whose hand-presence score is below are not hands (default 0.5)
 * @param minTrackingConfidence   a hand is tracked into the next frame only at or above this presence (default 0.5)
 * @param maxPixels               largest decoded image accepted, width × height
 * @param palmSearchInterval      while at least one hand is tracked but fewer than maxHands, the palm detector
 *                                looks for new hands on every Nth frame of a stream (default 10; 1 = every frame,
 *                                as MediaPipe does). With no hand tracked it runs on every frame.
 */
public record PipelineOptions(
        int maxHands,
        ModelVariant model,
        float minDetectionConfidence,
        float minPresenceConfidence,
        float minTrackingConfidence,
        long maxPixels,
        int palmSearchInterval) {

    public static final int DEFAULT_MAX_HANDS = 2;
    public static final float DEFAULT_CONFIDENCE = 0.5f;
    public static final int DEFAULT_PALM_SEARCH_INTERVAL = 10;

    public PipelineOptions {
        if (maxHands < 1 || maxHands > 16) {
            throw new IllegalArgumentException("maxHands must be between 1 and 16, was " + maxHands);
        }
        if (model == null) {
            throw new IllegalArgumentException("model must be lite or full");
        }
        requireProbability("minDetectionConfidence", minDetectionConfidence);
        requireProbability("minPresenceConfidence", minPresenceConfidence);
        requireProbability("minTrackingConfidence", minTrackingConfidence);
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1, was " + maxPixels);
        }
        if (palmSearchInterval < 1 || palmSearchInterval > 1000) {
            throw new IllegalArgumentException(
                    "palmSearchInterval must be between 1 and 1000 frames, was " + palmSearchInterval);
        }
    }

    public static PipelineOptions defaults() {
        return new PipelineOptions(
                DEFAULT_MAX_HANDS,
                ModelVariant.FULL,
                DEFAULT_CONFIDENCE,
                DEFAULT_CONFIDENCE,
                DEFAULT_CONFIDENCE,
                FrameDecoder.DEFAULT_MAX_PIXELS,
                DEFAULT_PALM_SEARCH_INTERVAL);
    }

    public PipelineOptions withMaxHands(int n) {
        return new PipelineOptions(
                n,
                model,
                minDetectionConfidence,
                minPresenceConfidence,
                minTrackingConfidence,
                maxPixels,
                palmSearchInterval);
    }

    public PipelineOptions withModel(ModelVariant m) {
        return new PipelineOptions(
                maxHands,
                m,
                minDetectionConfidence,
                minPresenceConfidence,
                minTrackingConfidence,
                maxPixels,
                palmSearchInterval);
    }

    public PipelineOptions withConfidences(float detection, float presence, float tracking) {
        return new PipelineOptions(maxHands, model, detection, presence, tracking, maxPixels, palmSearchInterval);
    }

    public PipelineOptions withMaxPixels(long pixels) {
        return new PipelineOptions(
                maxHands,
                model,
                minDetectionConfidence,
                minPresenceConfidence,
                minTrackingConfidence,
                pixels,
                palmSearchInterval);
    }

    public PipelineOptions withPalmSearchInterval(int frames) {
        return new PipelineOptions(
                maxHands,
                model,
                minDetectionConfidence,
                minPresenceConfidence,
                minTrackingConfidence,
                maxPixels,
                frames);
    }

    private static void requireProbability(String name, float value) {
        if (!(value >= 0f && value <= 1f)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, was " + value);
        }
    }
}

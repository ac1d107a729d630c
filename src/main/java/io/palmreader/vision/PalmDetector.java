package io.palmreader.vision;

import io.palmreader.vision.ModelEngine.ModelInput;
import io.palmreader.vision.ModelEngine.PalmTensors;
import java.util.ArrayList;
import java.util.List;

/**
 * MediaPipe's palm detection around an engine: letterbox each frame to 192 × 192 (aspect kept, zero padding), run
 * the detector, decode the SSD anchors, suppress overlaps and map the palms back to frame pixels.
 */
final class PalmDetector {

    static final int INPUT_SIZE = ModelEngine.PALM_INPUT;

    private final ModelEngine engine;
    private final PalmDecoder decoder = new PalmDecoder(SsdAnchors.palmDetector(), INPUT_SIZE);

    PalmDetector(ModelEngine engine) {
        this.engine = engine;
    }

    /**
     * Finds palms in each frame.
     *
     * @return per frame, palms in frame pixels, strongest first, at most {@code maxPalms}
     */
    List<List<PalmDetection>> detect(List<Frame> frames, float minScore, int maxPalms) {
        List<List<PalmDetection>> result = new ArrayList<>(frames.size());
        if (frames.isEmpty()) {
            return result;
        }
        List<ModelInput> inputs = new ArrayList<>(frames.size());
        for (Frame f : frames) {
            inputs.add(new ModelInput(f, letterboxTransform(f.width(), f.height())));
        }
        List<PalmTensors> outputs = engine.detectPalms(inputs);
        for (int i = 0; i < frames.size(); i++) {
            PalmTensors out = outputs.get(i);
            List<PalmDetection> palms = decoder.decode(out.regressors(), out.scoreLogits(), minScore);
            float[] t = inputs.get(i).inputToFrame();
            List<PalmDetection> inFrame = new ArrayList<>(Math.min(palms.size(), maxPalms));
            for (PalmDetection p : palms) {
                if (inFrame.size() == maxPalms) {
                    break;
                }
                // Model input (0..1) → input pixels → frame pixels.
                inFrame.add(p.transformed(INPUT_SIZE * t[0], t[2], INPUT_SIZE * t[4], t[5]));
            }
            result.add(inFrame);
        }
        return result;
    }

    /**
     * The letterbox as an affine map from input pixels to frame pixels (row-major 2 × 3): uniform scale that fits
     * the frame in the input, centred.
     */
    static float[] letterboxTransform(int frameWidth, int frameHeight) {
        double scale = Math.min((double) INPUT_SIZE / frameWidth, (double) INPUT_SIZE / frameHeight);
        double padX = (INPUT_SIZE - frameWidth * scale) / 2;
        double padY = (INPUT_SIZE - frameHeight * scale) / 2;
        return new float[] {
            (float) (1 / scale), 0, (float) (-padX / scale), 0, (float) (1 / scale), (float) (-padY / scale)
        };
    }
}

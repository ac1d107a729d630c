package io.palmreader.vision;

import io.palmreader.vision.ModelEngine.LandmarkTensors;
import io.palmreader.vision.ModelEngine.ModelInput;
import java.util.ArrayList;
import java.util.List;

/**
 * MediaPipe's hand landmarks around an engine: each hand region is cut out of its frame by a rotated affine warp to
 * 224 × 224, the model runs on every crop, and the 21 landmarks are mapped back to frame pixels and the world
 * landmarks rotated back into the image's orientation.
 */
final class LandmarkModel {

    static final int INPUT_SIZE = ModelEngine.LANDMARK_INPUT;
    static final int LANDMARKS = 21;

    /** What the model says about one region, landmarks already in frame pixels. */
    record Output(float[] pixels, float[] world, float presence, float leftScore) {}

    /** One region to look at in one frame. */
    record Crop(Frame frame, HandRegion region) {}

    private final ModelEngine engine;

    LandmarkModel(ModelEngine engine) {
        this.engine = engine;
    }

    List<Output> run(List<Crop> crops) {
        List<Output> result = new ArrayList<>(crops.size());
        if (crops.isEmpty()) {
            return result;
        }
        List<ModelInput> inputs = new ArrayList<>(crops.size());
        for (Crop c : crops) {
            inputs.add(new ModelInput(c.frame(), cropToFrame(c.region())));
        }
        List<LandmarkTensors> outputs = engine.findLandmarks(inputs);
        for (int i = 0; i < crops.size(); i++) {
            result.add(toFrame(
                    outputs.get(i), inputs.get(i).inputToFrame(), crops.get(i).region()));
        }
        return result;
    }

    /** Maps one crop's outputs back to its frame. */
    static Output toFrame(LandmarkTensors out, float[] m, HandRegion region) {
        float[] pixels = new float[LANDMARKS * 3];
        float[] world = new float[LANDMARKS * 3];
        double cos = Math.cos(region.rotation());
        double sin = Math.sin(region.rotation());
        float[] screen = out.screen();
        float[] w = out.world();
        for (int j = 0; j < LANDMARKS; j++) {
            float u = screen[3 * j];
            float v = screen[3 * j + 1];
            pixels[3 * j] = m[0] * u + m[1] * v + m[2];
            pixels[3 * j + 1] = m[3] * u + m[4] * v + m[5];
            // Depth is scaled like x: crop pixels → frame pixels.
            pixels[3 * j + 2] = screen[3 * j + 2] * region.width() / INPUT_SIZE;
            world[3 * j] = (float) (w[3 * j] * cos - w[3 * j + 1] * sin);
            world[3 * j + 1] = (float) (w[3 * j] * sin + w[3 * j + 1] * cos);
            world[3 * j + 2] = w[3 * j + 2];
        }
        return new Output(pixels, world, out.presence(), out.leftScore());
    }

    /** Affine map (2 × 3, row-major) from crop pixels to frame pixels for a rotated region. */
    static float[] cropToFrame(HandRegion r) {
        double cos = Math.cos(r.rotation());
        double sin = Math.sin(r.rotation());
        double sx = r.width() / INPUT_SIZE;
        double sy = r.height() / INPUT_SIZE;
        double tx = r.centerX() - cos * r.width() / 2 + sin * r.height() / 2;
        double ty = r.centerY() - sin * r.width() / 2 - cos * r.height() / 2;
        return new float[] {
            (float) (cos * sx), (float) (-sin * sy), (float) tx, (float) (sin * sx), (float) (cos * sy), (float) ty
        };
    }
}

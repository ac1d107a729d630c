package io.palmreader.cli;

import io.palmreader.vision.ModelVariant;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** MediaPipe's median time per photo and where it was measured; {@code ms <= 0} when unknown. */
record MediaPipeBaseline(String source, double ms) {

    /**
     * From results.json of scripts/mediapipe-bench when given ({@code measuredHere}), else from the reference's own
     * times for these photos, which come from another machine.
     */
    static MediaPipeBaseline of(
            ModelVariant model, JsonObject reference, JsonObject measuredHere, List<BenchPhoto> photos) {
        if (measuredHere != null) {
            String complexity = model == ModelVariant.FULL ? "1" : "0";
            JsonObject summary =
                    measuredHere.getJsonObject("summary", new JsonObject()).getJsonObject(complexity);
            if (summary != null && summary.getValue("medianMs") instanceof Number ms) {
                return new MediaPipeBaseline(
                        "measured on this machine, Chromium " + measuredHere.getString("chromium", "?"),
                        ms.doubleValue());
            }
            return new MediaPipeBaseline("not in the --mediapipe file", -1);
        }
        return new MediaPipeBaseline("reference.json, another machine", medianMs(reference, model, photos));
    }

    private static double medianMs(JsonObject reference, ModelVariant model, List<BenchPhoto> photos) {
        if (reference == null) {
            return -1;
        }
        String complexity = model == ModelVariant.FULL ? "complexity1" : "complexity0";
        JsonObject images = reference.getJsonObject("images", new JsonObject());
        List<Double> ms = new ArrayList<>();
        for (BenchPhoto p : photos) {
            JsonObject image = images.getJsonObject(p.key());
            if (image != null
                    && image.getJsonObject(complexity) != null
                    && image.getJsonObject(complexity).getValue("ms") != null) {
                ms.add(image.getJsonObject(complexity).getDouble("ms"));
            }
        }
        if (ms.isEmpty()) {
            return -1;
        }
        return StageSamples.percentile(
                ms.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    }
}

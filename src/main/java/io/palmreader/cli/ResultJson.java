package io.palmreader.cli;

import io.palmreader.vision.FrameResult;
import io.palmreader.vision.Hand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The {@code analyze} output format: one JSON object per image or video frame. */
final class ResultJson {

    private ResultJson() {}

    /**
     * @param frame the video frame index, or -1 for a still image
     */
    static JsonObject of(String file, int frame, FrameResult r) {
        JsonObject json = new JsonObject().put("file", file);
        if (frame >= 0) {
            json.put("frame", frame);
        }
        json.put("width", r.width()).put("height", r.height());
        JsonArray hands = new JsonArray();
        for (Hand h : r.hands()) {
            JsonArray landmarks = new JsonArray();
            JsonArray world = new JsonArray();
            float[] w = h.worldLandmarks();
            for (int j = 0; j < Hand.LANDMARKS; j++) {
                landmarks.add(new JsonArray()
                        .add(round(h.x(j), 5))
                        .add(round(h.y(j), 5))
                        .add(round(h.z(j), 5)));
                world.add(new JsonArray()
                        .add(round(w[3 * j], 4))
                        .add(round(w[3 * j + 1], 4))
                        .add(round(w[3 * j + 2], 4)));
            }
            hands.add(new JsonObject()
                    .put("gesture", h.gesture().label())
                    .put("score", round(h.gestureScore(), 3))
                    .put("handedness", h.handedness().label())
                    .put("handednessScore", round(h.handednessScore(), 3))
                    .put("presence", round(h.presence(), 3))
                    .put("landmarks", landmarks)
                    .put("worldLandmarks", world));
        }
        json.put("hands", hands).put("detector", r.detectorRan());
        json.put(
                "ms",
                new JsonObject()
                        .put("decode", round(r.timings().decodeMs(), 2))
                        .put("palm", round(r.timings().palmMs(), 2))
                        .put("landmarks", round(r.timings().landmarksMs(), 2))
                        .put("classify", round(r.timings().classifyMs(), 3))
                        .put("total", round(r.timings().totalMs(), 2)));
        return json;
    }

    static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }
}

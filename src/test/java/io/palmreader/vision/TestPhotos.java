package io.palmreader.vision;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The real photos under test resources {@code hands/}, their labels and MediaPipe's own output for them. */
final class TestPhotos {

    /** One labelled photo. */
    record Photo(String file, String label) {
        byte[] bytes() {
            return resource("hands/" + file);
        }

        /** MediaPipe's hands for this photo at complexity 0 (lite) or 1 (full): each 21 × (x, y, z). */
        List<float[]> referenceHands(ModelVariant model) {
            return reference(model, "landmarks");
        }

        /** MediaPipe's world landmarks (metres, origin between the knuckles) for this photo's hands. */
        List<float[]> referenceWorldHands(ModelVariant model) {
            return reference(model, "worldLandmarks");
        }

        private List<float[]> reference(ModelVariant model, String kind) {
            JsonObject image = REFERENCE.getJsonObject("images").getJsonObject(file);
            JsonArray hands = image.getJsonObject(model == ModelVariant.FULL ? "complexity1" : "complexity0")
                    .getJsonArray("hands");
            List<float[]> out = new ArrayList<>();
            for (int h = 0; h < hands.size(); h++) {
                JsonArray lms = hands.getJsonObject(h).getJsonArray(kind);
                float[] p = new float[63];
                for (int j = 0; j < 21; j++) {
                    JsonObject l = lms.getJsonObject(j);
                    p[3 * j] = l.getFloat("x");
                    p[3 * j + 1] = l.getFloat("y");
                    p[3 * j + 2] = l.getFloat("z");
                }
                out.add(p);
            }
            return out;
        }

        String referenceHandedness(ModelVariant model, int hand) {
            return REFERENCE
                    .getJsonObject("images")
                    .getJsonObject(file)
                    .getJsonObject(model == ModelVariant.FULL ? "complexity1" : "complexity0")
                    .getJsonArray("hands")
                    .getJsonObject(hand)
                    .getJsonObject("handedness")
                    .getString("label");
        }

        int width() {
            return REFERENCE.getJsonObject("images").getJsonObject(file).getInteger("width");
        }

        int height() {
            return REFERENCE.getJsonObject("images").getJsonObject(file).getInteger("height");
        }
    }

    static final JsonObject REFERENCE =
            new JsonObject(new String(resource("hands/reference.json"), StandardCharsets.UTF_8));

    /** Label folders to MediaPipe's gesture names. */
    static Gesture gestureOf(String label) {
        return switch (label) {
            case "thumbs_up" -> Gesture.THUMB_UP;
            case "thumbs_down" -> Gesture.THUMB_DOWN;
            case "pointing_up" -> Gesture.POINTING_UP;
            case "victory" -> Gesture.VICTORY;
            case "open_palm" -> Gesture.OPEN_PALM;
            case "closed_fist" -> Gesture.CLOSED_FIST;
            default -> throw new IllegalArgumentException(label);
        };
    }

    /** Every photo in MANIFEST.tsv (the video excluded). */
    static List<Photo> all() {
        String manifest = new String(resource("hands/MANIFEST.tsv"), StandardCharsets.UTF_8);
        List<Photo> photos = new ArrayList<>();
        for (String line : manifest.split("\n")) {
            String[] cols = line.split("\t");
            if (cols.length < 2 || cols[0].equals("file") || cols[1].equals("video")) {
                continue;
            }
            photos.add(new Photo(cols[0], cols[1]));
        }
        return photos;
    }

    static byte[] resource(String path) {
        try (InputStream in = TestPhotos.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestPhotos() {}
}

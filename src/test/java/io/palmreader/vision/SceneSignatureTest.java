package io.palmreader.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Scene signatures: a cut to another picture is told from the next frame of the same one")
class SceneSignatureTest {

    private static final FrameDecoder DECODER = new FrameDecoder();

    private static byte[] signature(SceneSignature s, String photo) {
        try (Frame f = DECODER.decode(TestPhotos.resource("hands/" + photo))) {
            return s.of(f);
        }
    }

    @Test
    @DisplayName("the same photo is no cut; two unrelated photos of one size are")
    void samePhotoIsNoCutUnrelatedPhotosAre() {
        try (SceneSignature s = new SceneSignature()) {
            byte[] a = signature(s, "pointing_up/hagrid_one_00b85ea4.jpg");
            byte[] b = signature(s, "thumbs_down/hagrid_dislike_00c84257.jpg");
            assertEquals(SceneSignature.GRID * SceneSignature.GRID, a.length);
            assertFalse(SceneSignature.isCut(a, signature(s, "pointing_up/hagrid_one_00b85ea4.jpg")));
            assertTrue(SceneSignature.isCut(a, b));
        }
    }

    @Test
    @DisplayName("a small change of brightness, as between webcam frames, is no cut; a large one is")
    void brightnessChange() {
        try (SceneSignature s = new SceneSignature();
                Frame dim = new Frame(new Mat(
                        480, 640, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(100, 100, 100, 0)));
                Frame brighter = new Frame(new Mat(
                        480, 640, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(110, 110, 110, 0)));
                Frame bright = new Frame(new Mat(
                        480, 640, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(160, 160, 160, 0)))) {
            byte[] d = s.of(dim);
            assertFalse(SceneSignature.isCut(d, s.of(brighter)));
            assertTrue(SceneSignature.isCut(d, s.of(bright)));
            assertFalse(SceneSignature.isCut(new byte[0], d), "no signature yet: never a cut");
        }
    }
}

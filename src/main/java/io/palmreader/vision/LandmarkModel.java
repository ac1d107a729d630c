package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImages;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.WARP_INVERSE_MAP;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * MediaPipe's hand landmark model on OpenCV DNN: each hand region is cut out of its frame by a rotated affine
 * warp to 224 × 224, all crops of a batch go through the network in one pass, and the 21 landmarks are
 * mapped back to frame pixels. Not thread-safe: one instance per thread.
 */
final class LandmarkModel implements AutoCloseable {

  static final int INPUT_SIZE = 224;
  static final int LANDMARKS = 21;
  private static final String SCREEN = "Identity";
  private static final String PRESENCE = "Identity_1";
  private static final String HANDEDNESS = "Identity_2";
  private static final String WORLD = "Identity_3";
  // The dense layers in front of the presence and handedness sigmoids: read as logits so their lost bias can
  // be added before the sigmoid.
  private static final String PRESENCE_LOGIT =
      "model_1/model/conv_handflag/MatMul;model_1/model/conv_handflag/BiasAdd";
  private static final String HANDEDNESS_LOGIT =
      "model_1/model/conv_handedness/MatMul;model_1/model/conv_handedness/BiasAdd";

  /** What the model says about one region, landmarks already in frame pixels. */
  record Output(float[] pixels, float[] world, float presence, float leftScore) {
  }

  /** One region to look at in one frame. */
  record Crop(Frame frame, HandRegion region) {
  }

  private final Net net;
  private final DenseBias bias;
  private final Size inputSize = new Size(INPUT_SIZE, INPUT_SIZE);
  private final Scalar zero = new Scalar(0.0);

  LandmarkModel(Path modelFolder, ModelVariant variant, ComputeTarget target) {
    String file = variant.landmarkFile();
    byte[] bytes = ModelNets.read(modelFolder, file);
    this.net = ModelNets.fromBytes(bytes, file);
    try {
      ModelNets.requireOutputs(net, file, SCREEN, PRESENCE, HANDEDNESS, WORLD);
      this.bias = DenseBias.lostBy(net, bytes, file, new int[] {1, 3, INPUT_SIZE, INPUT_SIZE},
          SCREEN, WORLD, PRESENCE_LOGIT, HANDEDNESS_LOGIT);
      // After the probe, which compares against OpenCV's reference CPU path: the lost biases are the importer's,
      // whatever backend then runs the network.
      target.apply(net);
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /** True when this OpenCV's importer lost the dense layers' biases and they are added here. */
  boolean restoresDenseBias() {
    return bias.correcting();
  }

  List<Output> run(List<Crop> crops) {
    List<Output> result = new ArrayList<>(crops.size());
    if (crops.isEmpty()) {
      return result;
    }
    int n = crops.size();
    float[][] toFrame = new float[n][];
    float[][] out;
    try (MatVector inputs = new MatVector(n)) {
      for (int i = 0; i < n; i++) {
        Crop c = crops.get(i);
        toFrame[i] = cropToFrame(c.region());
        Mat crop = new Mat();
        try (Mat m = PalmDetector.samplingAffine(toFrame[i])) {
          // Outside the frame the edge pixels are repeated, as MediaPipe's image-to-tensor step does by default.
          warpAffine(c.frame().bgr(), crop, m, inputSize, INTER_LINEAR | WARP_INVERSE_MAP, BORDER_REPLICATE, zero);
        }
        inputs.put(i, crop);
        crop.close();
      }
      try (Mat blob = blobFromImages(inputs, 1 / 255.0, inputSize, zero, true, false, CV_32F)) {
        out = ModelNets.forward(net, blob, SCREEN, PRESENCE_LOGIT, HANDEDNESS_LOGIT, WORLD);
      }
    }
    bias.addTo(SCREEN, out[0], n);
    bias.addTo(PRESENCE_LOGIT, out[1], n);
    bias.addTo(HANDEDNESS_LOGIT, out[2], n);
    bias.addTo(WORLD, out[3], n);
    for (int i = 0; i < n; i++) {
      float[] m = toFrame[i];
      HandRegion region = crops.get(i).region();
      float[] pixels = new float[LANDMARKS * 3];
      float[] world = new float[LANDMARKS * 3];
      double cos = Math.cos(region.rotation());
      double sin = Math.sin(region.rotation());
      for (int j = 0; j < LANDMARKS; j++) {
        float u = out[0][i * 63 + 3 * j];
        float v = out[0][i * 63 + 3 * j + 1];
        float z = out[0][i * 63 + 3 * j + 2];
        pixels[3 * j] = m[0] * u + m[1] * v + m[2];
        pixels[3 * j + 1] = m[3] * u + m[4] * v + m[5];
        // Depth is scaled like x: crop pixels → frame pixels.
        pixels[3 * j + 2] = z * region.width() / INPUT_SIZE;
        float wx = out[3][i * 63 + 3 * j];
        float wy = out[3][i * 63 + 3 * j + 1];
        world[3 * j] = (float) (wx * cos - wy * sin);
        world[3 * j + 1] = (float) (wx * sin + wy * cos);
        world[3 * j + 2] = out[3][i * 63 + 3 * j + 2];
      }
      result.add(new Output(pixels, world, sigmoid(out[1][i]), sigmoid(out[2][i])));
    }
    return result;
  }

  private static float sigmoid(float logit) {
    return (float) (1 / (1 + Math.exp(-logit)));
  }

  /** Affine map (2 × 3, row-major) from crop pixels to frame pixels for a rotated region. */
  static float[] cropToFrame(HandRegion r) {
    double cos = Math.cos(r.rotation());
    double sin = Math.sin(r.rotation());
    double sx = r.width() / INPUT_SIZE;
    double sy = r.height() / INPUT_SIZE;
    double tx = r.centerX() - cos * r.width() / 2 + sin * r.height() / 2;
    double ty = r.centerY() - sin * r.width() / 2 - cos * r.height() / 2;
    return new float[] {(float) (cos * sx), (float) (-sin * sy), (float) tx, (float) (sin * sx), (float) (cos * sy), (float) ty};
  }

  @Override
  public void close() {
    net.close();
    inputSize.close();
    zero.close();
  }
}

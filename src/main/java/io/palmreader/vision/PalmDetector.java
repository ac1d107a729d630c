package io.palmreader.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
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
 * MediaPipe's palm detector on OpenCV DNN: letterbox each frame to 192 × 192 (aspect kept, zero padding),
 * run the network once for the whole batch, decode and suppress, map back to frame pixels.
 * Not thread-safe: one instance per thread.
 */
final class PalmDetector implements AutoCloseable {

  static final int INPUT_SIZE = 192;
  /** Anchors per frame on the stride-8 map (24 × 24 × 2) and the stride-16 map (12 × 12 × 6). */
  static final int[] ANCHORS_PER_FEATURE_MAP = {1152, 864};
  static final int ANCHORS_PER_FRAME = 2016;
  private static final String REGRESSORS = "Identity";
  private static final String SCORES = "Identity_1";

  private final Net net;
  private final PalmDecoder decoder = new PalmDecoder(SsdAnchors.palmDetector(), INPUT_SIZE);
  private final Size inputSize = new Size(INPUT_SIZE, INPUT_SIZE);
  private final Scalar zero = new Scalar(0.0);

  PalmDetector(Path modelFolder, ModelVariant variant, ComputeTarget target) {
    this.net = ModelNets.load(modelFolder, variant.palmDetectorFile());
    ModelNets.requireOutputs(net, variant.palmDetectorFile(), REGRESSORS, SCORES);
    target.apply(net);
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
    int n = frames.size();
    float[][] letterbox = new float[n][];
    float[][] outputs;
    try (MatVector inputs = new MatVector(n)) {
      for (int i = 0; i < n; i++) {
        Frame f = frames.get(i);
        letterbox[i] = letterboxTransform(f.width(), f.height());
        Mat boxed = new Mat();
        try (Mat toFrame = samplingAffine(letterbox[i])) {
          warpAffine(f.bgr(), boxed, toFrame, inputSize, INTER_LINEAR | WARP_INVERSE_MAP, BORDER_CONSTANT, zero);
        }
        inputs.put(i, boxed);
        boxed.close();
      }
      try (Mat blob = blobFromImages(inputs, 1 / 255.0, inputSize, zero, true, false, CV_32F)) {
        outputs = ModelNets.forward(net, blob, REGRESSORS, SCORES);
      }
    }
    for (int i = 0; i < n; i++) {
      float[] regressors = frameSlice(outputs[0], n, i, PalmDecoder.COORDS);
      float[] logits = frameSlice(outputs[1], n, i, 1);
      List<PalmDetection> palms = decoder.decode(regressors, logits, minScore);
      float[] t = letterbox[i];
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
   * One frame's rows of a batched output. The model reshapes each feature map to a batch-1 row list before
   * concatenating them, so with N frames OpenCV returns {@code [1, N × 2016, values]} laid out feature map by
   * feature map: all frames' stride-8 anchors, then all frames' stride-16 anchors. Each frame's anchors are
   * gathered back here in anchor order.
   */
  static float[] frameSlice(float[] output, int frames, int frame, int values) {
    float[] slice = new float[ANCHORS_PER_FRAME * values];
    int offset = 0;
    int copied = 0;
    for (int mapAnchors : ANCHORS_PER_FEATURE_MAP) {
      int length = mapAnchors * values;
      System.arraycopy(output, offset + frame * length, slice, copied, length);
      offset += frames * length;
      copied += length;
    }
    return slice;
  }

  /**
   * The letterbox as an affine map from input pixels to frame pixels (row-major 2 × 3): uniform scale that fits
   * the frame in the input, centred.
   */
  static float[] letterboxTransform(int frameWidth, int frameHeight) {
    double scale = Math.min((double) INPUT_SIZE / frameWidth, (double) INPUT_SIZE / frameHeight);
    double padX = (INPUT_SIZE - frameWidth * scale) / 2;
    double padY = (INPUT_SIZE - frameHeight * scale) / 2;
    return new float[] {(float) (1 / scale), 0, (float) (-padX / scale), 0, (float) (1 / scale), (float) (-padY / scale)};
  }

  /**
   * The matrix for {@code warpAffine(..., WARP_INVERSE_MAP)} that samples the image at the points a continuous
   * map {@code m} (output → input, pixel i spanning [i, i+1)) gives for each output pixel's centre. OpenCV's
   * warp indexes pixels by their centres, so the map is conjugated by the half-pixel shift; without it every
   * crop is off by half an input pixel per unit of scale.
   */
  static Mat samplingAffine(float[] m) {
    float[] shifted = m.clone();
    shifted[2] = m[2] + 0.5f * (m[0] + m[1]) - 0.5f;
    shifted[5] = m[5] + 0.5f * (m[3] + m[4]) - 0.5f;
    Mat mat = new Mat(2, 3, CV_32F);
    ((java.nio.FloatBuffer) mat.createBuffer()).put(shifted);
    return mat;
  }

  @Override
  public void close() {
    net.close();
    inputSize.close();
    zero.close();
  }
}

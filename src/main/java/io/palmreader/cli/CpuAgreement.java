package io.palmreader.cli;

import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.EngineOptions;
import io.palmreader.vision.FrameRequest;
import io.palmreader.vision.FrameResult;
import io.palmreader.vision.Hand;
import io.palmreader.vision.HandPipeline;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.PipelineOptions;
import io.palmreader.vision.TrackingState;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code batchbench --compare-cpu}: how far another engine or device's landmarks are from the CPU's. */
final class CpuAgreement {

    /** Largest mean landmark difference, normalized to the image, that counts as the same result. */
    static final double LIMIT = 0.005;

    private CpuAgreement() {}

    /**
     * Each photo through the CPU's default engine (TensorFlow Lite, MediaPipe's own runtime) and through
     * {@code engine}, searched afresh; hands matched by order (strongest palm first in both). Returns the mean
     * absolute difference of the normalized x and y landmark coordinates.
     */
    static double check(PrintStream out, ModelVariant model, EngineOptions engine, List<byte[]> photos) {
        ComputeTarget target = engine.target();
        double sum = 0;
        double worst = 0;
        int values = 0;
        int handsCpu = 0;
        int handsTarget = 0;
        PipelineOptions options = PipelineOptions.defaults().withModel(model);
        List<FrameResult> onCpu = new ArrayList<>();
        try (HandPipeline cpu = new HandPipeline(options, EngineOptions.CPU)) {
            for (byte[] p : photos) {
                onCpu.add(cpu.process(List.of(new FrameRequest(p, TrackingState.NONE)))
                        .get(0));
            }
        }
        target.bindThread();
        try (HandPipeline other = new HandPipeline(options, engine)) {
            for (int k = 0; k < photos.size(); k++) {
                FrameResult a = onCpu.get(k);
                FrameResult b = other.process(List.of(new FrameRequest(photos.get(k), TrackingState.NONE)))
                        .get(0);
                handsCpu += a.hands().size();
                handsTarget += b.hands().size();
                for (int h = 0; h < Math.min(a.hands().size(), b.hands().size()); h++) {
                    Hand x = a.hands().get(h);
                    Hand y = b.hands().get(h);
                    for (int j = 0; j < Hand.LANDMARKS; j++) {
                        for (int c = 0; c < 2; c++) {
                            double d = Math.abs(x.landmarks()[3 * j + c] - y.landmarks()[3 * j + c]);
                            sum += d;
                            worst = Math.max(worst, d);
                            values++;
                        }
                    }
                }
            }
        }
        double mean = values == 0 ? 0 : sum / values;
        out.printf(
                Locale.ROOT,
                "Agreement with the CPU's TensorFlow Lite (%s, %s, %d photos): hands %d vs %d; landmark difference mean %.5f, "
                        + "max %.5f (normalized); %s.%n%n",
                model.id(),
                target + " " + engine.kind().id(),
                photos.size(),
                handsCpu,
                handsTarget,
                mean,
                worst,
                mean <= LIMIT && handsCpu == handsTarget ? "agrees" : "DOES NOT AGREE");
        return handsCpu == handsTarget ? mean : Double.POSITIVE_INFINITY;
    }
}

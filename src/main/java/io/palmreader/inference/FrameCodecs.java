package io.palmreader.inference;

import io.palmreader.protocol.ErrorCode;
import io.palmreader.vision.Gesture;
import io.palmreader.vision.Hand;
import io.palmreader.vision.HandRegion;
import io.palmreader.vision.Handedness;
import io.palmreader.vision.ModelVariant;
import io.palmreader.vision.StageTimings;
import io.palmreader.vision.TrackingState;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary event bus codecs for frames and answers: a frame crosses the cluster as its raw image bytes plus a few
 * fixed fields, never as base64 JSON. Within one node the objects are handed over as they are.
 */
public final class FrameCodecs {

    private FrameCodecs() {}

    /** Registers both codecs as the defaults for their types on this Vert.x instance (every node must). */
    public static void register(Vertx vertx) {
        vertx.eventBus().registerDefaultCodec(FrameTask.class, new TaskCodec());
        vertx.eventBus().registerDefaultCodec(FrameAnswer.class, new AnswerCodec());
    }

    static final class TaskCodec implements MessageCodec<FrameTask, FrameTask> {
        @Override
        public void encodeToWire(Buffer buffer, FrameTask t) {
            writeString(buffer, t.sessionId());
            buffer.appendLong(t.sequence())
                    .appendLong(t.captureTs())
                    .appendLong(t.sentAtMs())
                    .appendLong(t.expiresAtMs());
            buffer.appendByte((byte) t.model().ordinal())
                    .appendByte((byte) t.rung().level())
                    .appendByte((byte) (t.fixedQuality() ? 1 : 0))
                    .appendInt(t.maxHands());
            writeTracking(buffer, t.tracking());
            buffer.appendInt(t.image().length()).appendBuffer(t.image());
        }

        @Override
        public FrameTask decodeFromWire(int pos, Buffer buffer) {
            Reader r = new Reader(buffer, pos);
            String session = r.string();
            long seq = r.longValue();
            long capture = r.longValue();
            long sent = r.longValue();
            long expires = r.longValue();
            ModelVariant model = ModelVariant.values()[r.byteValue()];
            Rung rung = Rung.of(r.byteValue());
            boolean fixed = r.byteValue() == 1;
            int maxHands = r.intValue();
            TrackingState tracking = r.tracking();
            Buffer image = Buffer.buffer(r.bytes(r.intValue()));
            return new FrameTask(session, seq, capture, sent, expires, model, rung, fixed, maxHands, tracking, image);
        }

        @Override
        public FrameTask transform(FrameTask t) {
            return t;
        }

        @Override
        public String name() {
            return "palmreader.frame-task";
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }

    static final class AnswerCodec implements MessageCodec<FrameAnswer, FrameAnswer> {
        @Override
        public void encodeToWire(Buffer buffer, FrameAnswer a) {
            buffer.appendLong(a.sequence()).appendInt(a.width()).appendInt(a.height());
            buffer.appendInt(a.hands().size());
            for (Hand h : a.hands()) {
                writeFloats(buffer, h.landmarks());
                writeFloats(buffer, h.worldLandmarks());
                buffer.appendFloat(h.presence());
                writeString(buffer, h.handedness().label());
                buffer.appendFloat(h.handednessScore());
                writeString(buffer, h.gesture().label());
                buffer.appendFloat(h.gestureScore());
                writeRegion(buffer, h.region());
            }
            buffer.appendByte((byte) (a.detectorRan() ? 1 : 0));
            writeTracking(buffer, a.tracking());
            buffer.appendByte((byte) a.model().ordinal())
                    .appendByte((byte) a.rung().level());
            StageTimings t = a.timings();
            buffer.appendDouble(t.decodeMs())
                    .appendDouble(t.palmMs())
                    .appendDouble(t.landmarksMs())
                    .appendDouble(t.classifyMs())
                    .appendDouble(t.totalMs());
            buffer.appendDouble(a.queueMs()).appendInt(a.batchSize());
            writeString(buffer, a.worker());
            writeString(buffer, a.error() == null ? null : a.error().name());
            writeString(buffer, a.errorMessage());
        }

        @Override
        public FrameAnswer decodeFromWire(int pos, Buffer buffer) {
            Reader r = new Reader(buffer, pos);
            long seq = r.longValue();
            int width = r.intValue();
            int height = r.intValue();
            int n = r.intValue();
            List<Hand> hands = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[] landmarks = r.floats();
                float[] world = r.floats();
                float presence = r.floatValue();
                Handedness handedness = Handedness.of(r.string());
                float handednessScore = r.floatValue();
                Gesture gesture = Gesture.fromLabel(r.string());
                float gestureScore = r.floatValue();
                HandRegion region = r.region();
                hands.add(new Hand(
                        landmarks, world, presence, handedness, handednessScore, gesture, gestureScore, region));
            }
            boolean detector = r.byteValue() == 1;
            TrackingState tracking = r.tracking();
            ModelVariant model = ModelVariant.values()[r.byteValue()];
            Rung rung = Rung.of(r.byteValue());
            StageTimings timings = new StageTimings(
                    r.doubleValue(), r.doubleValue(), r.doubleValue(), r.doubleValue(), r.doubleValue());
            double queueMs = r.doubleValue();
            int batch = r.intValue();
            String worker = r.string();
            String error = r.string();
            String message = r.string();
            return new FrameAnswer(
                    seq,
                    width,
                    height,
                    hands,
                    detector,
                    tracking,
                    model,
                    rung,
                    timings,
                    queueMs,
                    batch,
                    worker,
                    error == null ? null : ErrorCode.valueOf(error),
                    message);
        }

        @Override
        public FrameAnswer transform(FrameAnswer a) {
            return a;
        }

        @Override
        public String name() {
            return "palmreader.frame-answer";
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }

    private static void writeString(Buffer buffer, String s) {
        if (s == null) {
            buffer.appendInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        buffer.appendInt(bytes.length).appendBytes(bytes);
    }

    private static void writeFloats(Buffer buffer, float[] values) {
        buffer.appendInt(values.length);
        for (float v : values) {
            buffer.appendFloat(v);
        }
    }

    private static void writeRegion(Buffer buffer, HandRegion r) {
        buffer.appendFloat(r.centerX())
                .appendFloat(r.centerY())
                .appendFloat(r.width())
                .appendFloat(r.height())
                .appendFloat(r.rotation());
    }

    private static void writeTracking(Buffer buffer, TrackingState t) {
        buffer.appendInt(t.frameWidth()).appendInt(t.frameHeight()).appendInt(t.framesSincePalmSearch());
        buffer.appendInt(t.regions().size());
        for (HandRegion r : t.regions()) {
            writeRegion(buffer, r);
        }
        byte[] scene = t.scene();
        buffer.appendInt(scene.length).appendBytes(scene);
    }

    /** Reads fields in the order they were written. */
    private static final class Reader {
        private final Buffer buffer;
        private int pos;

        Reader(Buffer buffer, int pos) {
            this.buffer = buffer;
            this.pos = pos;
        }

        int intValue() {
            int v = buffer.getInt(pos);
            pos += 4;
            return v;
        }

        long longValue() {
            long v = buffer.getLong(pos);
            pos += 8;
            return v;
        }

        float floatValue() {
            float v = buffer.getFloat(pos);
            pos += 4;
            return v;
        }

        double doubleValue() {
            double v = buffer.getDouble(pos);
            pos += 8;
            return v;
        }

        byte byteValue() {
            return buffer.getByte(pos++);
        }

        byte[] bytes(int length) {
            byte[] b = buffer.getBytes(pos, pos + length);
            pos += length;
            return b;
        }

        String string() {
            int length = intValue();
            return length < 0 ? null : new String(bytes(length), StandardCharsets.UTF_8);
        }

        float[] floats() {
            float[] v = new float[intValue()];
            for (int i = 0; i < v.length; i++) {
                v[i] = floatValue();
            }
            return v;
        }

        HandRegion region() {
            return new HandRegion(floatValue(), floatValue(), floatValue(), floatValue(), floatValue());
        }

        TrackingState tracking() {
            int width = intValue();
            int height = intValue();
            int since = intValue();
            int n = intValue();
            List<HandRegion> regions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                regions.add(region());
            }
            return new TrackingState(width, height, regions, since, bytes(intValue()));
        }
    }
}

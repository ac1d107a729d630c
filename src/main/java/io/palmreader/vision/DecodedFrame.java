package io.palmreader.vision;

/**
 * The outcome of decoding one frame: its pixels, or why it could not be decoded, and how long it took. Decoding is
 * thread-safe and the costliest CPU step in front of a GPU, so a GPU worker has it done by other threads.
 */
public record DecodedFrame(Frame frame, InvalidFrameException error, double decodeMs) {

    public static DecodedFrame decode(FrameDecoder decoder, byte[] encoded) {
        long t0 = System.nanoTime();
        try {
            Frame frame = decoder.decode(encoded);
            return new DecodedFrame(frame, null, (System.nanoTime() - t0) / 1e6);
        } catch (InvalidFrameException e) {
            return new DecodedFrame(null, e, (System.nanoTime() - t0) / 1e6);
        }
    }

    /** Frees the pixels of a frame that will not be processed after all. */
    public void discard() {
        if (frame != null) {
            frame.close();
        }
    }
}

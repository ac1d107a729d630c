// The wire format of docs/protocol.md: a 14-byte header in front of each JPEG.
export const VERSION = 1;
export const HEADER_BYTES = 14;

/** One binary message: version, flags, uint32 sequence, int64 capture time (ms), then the image. */
export function encodeFrame(seq, captureTs, jpeg) {
  const message = new Uint8Array(HEADER_BYTES + jpeg.byteLength);
  const view = new DataView(message.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, 0);
  view.setUint32(2, seq >>> 0);
  view.setBigInt64(6, BigInt(captureTs));
  message.set(new Uint8Array(jpeg), HEADER_BYTES);
  return message;
}

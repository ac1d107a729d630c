// The binary frame of docs/protocol.md: a 14-byte header in front of each image. The one place that encodes it.

/** The header's version byte. */
export const FRAME_VERSION = 1;
/** Header bytes in front of the image. */
export const FRAME_HEADER_BYTES = 14;
/** The largest sequence number; the next one after it is 1 again. */
export const MAX_SEQ = 0xffffffff;

/** The bytes of an ArrayBuffer or any view of one (Uint8Array, Node's Buffer, DataView), without copying. */
export function bytesOf(image) {
  if (image instanceof Uint8Array) return image;
  if (ArrayBuffer.isView(image)) return new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
  if (image instanceof ArrayBuffer) return new Uint8Array(image);
  throw new TypeError('an image must be an ArrayBuffer, a typed array, a DataView or a Blob');
}

/**
 * One binary message: version, flags (0), the sequence number (uint32, big-endian), the capture time (int64,
 * big-endian, ms since the epoch), then the image's bytes.
 */
export function encodeFrame(seq, captureTime, image) {
  if (!Number.isInteger(seq) || seq < 0 || seq > MAX_SEQ) {
    throw new RangeError(`seq must be a whole number from 0 to ${MAX_SEQ}, was ${seq}`);
  }
  if (!Number.isSafeInteger(captureTime)) {
    throw new RangeError(`captureTime must be whole milliseconds since the epoch, was ${captureTime}`);
  }
  const jpeg = bytesOf(image);
  const message = new Uint8Array(FRAME_HEADER_BYTES + jpeg.byteLength);
  const view = new DataView(message.buffer);
  view.setUint8(0, FRAME_VERSION);
  view.setUint8(1, 0);
  view.setUint32(2, seq);
  view.setBigInt64(6, BigInt(captureTime));
  message.set(jpeg, FRAME_HEADER_BYTES);
  return message;
}

/** The parts of a binary frame (for servers, relays and tests); the image is a view into `message`. */
export function decodeFrame(message) {
  const bytes = bytesOf(message);
  if (bytes.byteLength < FRAME_HEADER_BYTES) {
    throw new RangeError(`a frame has at least ${FRAME_HEADER_BYTES} bytes, this one ${bytes.byteLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    version: view.getUint8(0),
    flags: view.getUint8(1),
    seq: view.getUint32(2),
    captureTime: Number(view.getBigInt64(6)),
    image: bytes.subarray(FRAME_HEADER_BYTES),
  };
}

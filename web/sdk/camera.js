// Browsers: frames from a <video> element, drawn to a canvas, encoded as JPEG and sent as fast as answers come back
// (never more than `limits.inflight` unanswered) and no faster than the frame rate asked for or the server's maxFps.

/** The defaults of `startCamera`'s options. */
export const CAMERA_DEFAULTS = Object.freeze({
  /** Capture width in pixels (never more than the video's); the height keeps the video's aspect ratio. */
  width: 640,
  /** JPEG quality, 0 to 1. */
  quality: 0.7,
  /** Frames per second at most; the server's `limits.maxFps` caps it too. */
  fps: 30,
});

/** How long to look again when the video has no picture yet, ms. */
const NO_PICTURE_RETRY_MS = 50;

const valueOf = (option, fallback) => {
  const value = typeof option === 'function' ? option() : option;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

function toJpeg(canvas, quality) {
  if (typeof canvas.convertToBlob === 'function') return canvas.convertToBlob({ type: 'image/jpeg', quality });
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}

/**
 * Starts the capture loop; returns its stop function. `port` is the session's side: `whenFree()` (resolves when a
 * frame can be sent at once, rejects once the session is closed), `send(bytes, captureTime)` (sendFrame) and
 * `maxFps()`.
 */
export function startCameraLoop(port, video, options = {}) {
  const canvas = options.canvas ?? document.createElement('canvas');
  let running = true;
  let lastCapture = 0;
  let wakeSleeper = null;
  const sleep = (ms) => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wakeSleeper = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const report = (error) => {
    if (running && typeof options.onError === 'function') options.onError(error);
  };

  async function loop() {
    while (running) {
      try {
        await port.whenFree();
      } catch {
        return; // the session is closed
      }
      if (!running) return;
      const fps = Math.min(valueOf(options.fps, CAMERA_DEFAULTS.fps), valueOf(port.maxFps(), Infinity));
      const early = lastCapture + 1000 / fps - Date.now();
      if (early > 0) {
        await sleep(early);
        continue; // the slot may have gone meanwhile: look again
      }
      if (!video.videoWidth || video.readyState < 2) {
        await sleep(NO_PICTURE_RETRY_MS);
        continue;
      }
      const width = Math.round(Math.min(valueOf(options.width, CAMERA_DEFAULTS.width), video.videoWidth));
      canvas.width = width;
      canvas.height = Math.round((video.videoHeight * width) / video.videoWidth);
      canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
      const captureTime = Date.now();
      lastCapture = captureTime;
      const blob = await toJpeg(canvas, Math.min(1, valueOf(options.quality, CAMERA_DEFAULTS.quality)));
      if (!running) return;
      if (!blob) continue;
      // Bytes, not the Blob: the frame takes its slot as it is sent, before the loop asks for the next slot.
      const bytes = new Uint8Array(await blob.arrayBuffer());
      if (!running) return;
      port.send(bytes, captureTime).catch(report);
    }
  }

  loop().catch(report);
  return () => {
    running = false;
    wakeSleeper?.();
  };
}

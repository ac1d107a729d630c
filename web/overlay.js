// Draws the camera image mirrored, like a mirror, which is what people expect of their own camera, and each hand's
// skeleton and gesture over it (the SDK's drawHands, mirrored with it).
import { drawHands } from './sdk/index.js';

export function drawFrame(ctx, video, hands) {
  const { width, height } = ctx.canvas;
  ctx.save();
  ctx.translate(width, 0);
  ctx.scale(-1, 1);
  if (video.readyState >= 2) {
    ctx.drawImage(video, 0, 0, width, height);
  } else {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, width, height);
  }
  ctx.restore();
  drawHands(ctx, hands, { mirror: true });
}

// Draws hands over a canvas: each hand's 21-landmark skeleton and a label with its gesture.

/** The landmark pairs joined by a bone (MediaPipe's hand connections). */
export const HAND_CONNECTIONS = Object.freeze([
  [0, 1], [1, 2], [2, 3], [3, 4], [0, 5], [5, 6], [6, 7], [7, 8], [5, 9], [9, 10], [10, 11], [11, 12],
  [9, 13], [13, 14], [14, 15], [15, 16], [13, 17], [0, 17], [17, 18], [18, 19], [19, 20],
].map((pair) => Object.freeze(pair)));

const DEFAULT_COLORS = Object.freeze({ Left: '#4fc3f7', Right: '#ffb74d' });

/** The default label: the gesture and its score, e.g. "Thumb_Up 93%". */
export function defaultLabel(hand) {
  return `${hand.gesture} ${(hand.score * 100).toFixed(0)}%`;
}

/**
 * Draws the hands of a `hands` message (or an array of hands) on a 2D canvas context. Landmarks are normalized to the
 * frame, so the drawing fills `width` × `height` (the canvas's size by default). With `mirror` the skeletons are
 * mirrored left to right, as over a mirrored camera preview; labels are always written readable, beside each wrist
 * as it appears, and kept inside the picture.
 */
export function drawHands(ctx, hands, options = {}) {
  const list = Array.isArray(hands) ? hands : hands?.hands ?? [];
  const width = options.width ?? ctx.canvas.width;
  const height = options.height ?? ctx.canvas.height;
  const mirror = options.mirror === true;
  const colors = { ...DEFAULT_COLORS, ...options.colors };
  const label = options.label === false ? null : typeof options.label === 'function' ? options.label : defaultLabel;
  const x = (nx) => (mirror ? 1 - nx : nx) * width;
  ctx.save();
  for (const hand of list) {
    const points = hand.landmarks.map(([nx, ny]) => [x(nx), ny * height]);
    ctx.lineWidth = options.lineWidth ?? 3;
    ctx.strokeStyle = colors[hand.handedness] ?? colors.Right;
    ctx.beginPath();
    for (const [a, b] of HAND_CONNECTIONS) {
      ctx.moveTo(points[a][0], points[a][1]);
      ctx.lineTo(points[b][0], points[b][1]);
    }
    ctx.stroke();
    ctx.fillStyle = options.pointColor ?? '#fff';
    const radius = options.pointRadius ?? 3;
    for (const [px, py] of points) {
      ctx.beginPath();
      ctx.arc(px, py, radius, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  if (label) {
    // The font follows the canvas, which may take the camera's resolution and be scaled to fit the page.
    const size = Math.max(14, Math.round(width / 36));
    ctx.font = `bold ${size}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    for (const hand of list) {
      const text = label(hand);
      if (!text) continue;
      const wristX = x(hand.landmarks[0][0]);
      const wristY = hand.landmarks[0][1] * height;
      const textWidth = ctx.measureText(text).width;
      const left = Math.min(Math.max(4, wristX + 8), width - textWidth - 4);
      const top = Math.min(Math.max(4, wristY + 8), height - size - 4);
      ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
      ctx.fillRect(left - 4, top - 2, textWidth + 8, size + 4);
      ctx.fillStyle = hand.taught ? options.taughtColor ?? '#a5d6a7' : options.labelColor ?? '#fff';
      ctx.fillText(text, left, top);
    }
  }
  ctx.restore();
}

// Draws the mirrored camera image with each hand's 21-landmark skeleton and gesture over it.
const BONES = [
  [0, 1], [1, 2], [2, 3], [3, 4], [0, 5], [5, 6], [6, 7], [7, 8], [5, 9], [9, 10], [10, 11], [11, 12],
  [9, 13], [13, 14], [14, 15], [15, 16], [13, 17], [0, 17], [17, 18], [18, 19], [19, 20],
];

export function drawFrame(ctx, video, hands) {
  const { width, height } = ctx.canvas;
  ctx.save();
  // Mirrored like a mirror, which is what people expect of their own camera; landmarks are mirrored with it.
  ctx.translate(width, 0);
  ctx.scale(-1, 1);
  if (video.readyState >= 2) {
    ctx.drawImage(video, 0, 0, width, height);
  } else {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, width, height);
  }
  for (const hand of hands) {
    const points = hand.landmarks.map(([x, y]) => [x * width, y * height]);
    ctx.lineWidth = 3;
    ctx.strokeStyle = hand.handedness === 'Left' ? '#4fc3f7' : '#ffb74d';
    ctx.beginPath();
    for (const [a, b] of BONES) {
      ctx.moveTo(...points[a]);
      ctx.lineTo(...points[b]);
    }
    ctx.stroke();
    ctx.fillStyle = '#fff';
    for (const [x, y] of points) {
      ctx.beginPath();
      ctx.arc(x, y, 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.restore();
  // Labels are written unmirrored, next to each wrist as it appears on screen, and kept inside the image. The font
  // follows the canvas, which takes the camera's resolution and is scaled to fit the page.
  const size = Math.max(14, Math.round(width / 36));
  ctx.font = `bold ${size}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const hand of hands) {
    const [x, y] = hand.landmarks[0];
    const text = `${hand.gesture} ${(hand.score * 100).toFixed(0)}%`;
    const textWidth = ctx.measureText(text).width;
    const left = Math.min(Math.max(4, (1 - x) * width + 8), width - textWidth - 4);
    const top = Math.min(Math.max(4, y * height + 8), height - size - 4);
    ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
    ctx.fillRect(left - 4, top - 2, textWidth + 8, size + 4);
    ctx.fillStyle = hand.taught ? '#a5d6a7' : '#fff';
    ctx.fillText(text, left, top);
  }
}

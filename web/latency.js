// A small live plot of the last 30 s: the server's time per frame and glass-to-glass (capture to answer shown).
const WINDOW_MS = 30_000;
const SERIES = [
  { key: 'server', color: '#4fc3f7', label: 'server' },
  { key: 'glass', color: '#ffb74d', label: 'glass-to-glass' },
];

export function createLatencyPlot(canvas) {
  const ctx = canvas.getContext('2d');
  const points = []; // { t, server, glass }

  function add(t, server, glass) {
    points.push({ t, server, glass });
    while (points.length && t - points[0].t > WINDOW_MS) points.shift();
  }

  function draw(now) {
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#1f2226';
    ctx.fillRect(0, 0, width, height);
    const top = Math.max(20, ...points.map((p) => Math.max(p.server, p.glass)));
    const scale = niceCeiling(top);
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = '#9aa0a6';
    ctx.fillText(`${scale} ms`, 4, 10);
    ctx.fillText('30 s', 4, height - 3);
    SERIES.forEach((s, i) => {
      ctx.fillStyle = s.color;
      ctx.fillText(s.label, 50 + 45 * i, 10);
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      points.forEach((p, k) => {
        const x = width - ((now - p.t) / WINDOW_MS) * width;
        const y = height - (Math.min(p[s.key], scale) / scale) * (height - 14);
        if (k === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
    });
  }

  return { add, draw };
}

function niceCeiling(ms) {
  for (const step of [20, 50, 100, 200, 500, 1000, 2000, 5000]) {
    if (ms <= step) return step;
  }
  return Math.ceil(ms / 5000) * 5000;
}

// Usage: node run.mjs [complexity...]   (default: 0 1). Env: WARMUP (2), PASSES (5).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const handsDir = path.join(repo, 'src/test/resources/hands');
const mpDir = path.join(here, 'node_modules/@mediapipe/hands');
const ref = JSON.parse(fs.readFileSync(path.join(handsDir, 'reference.json'), 'utf8'));
const names = Object.keys(ref.images);
const complexities = process.argv.slice(2).length ? process.argv.slice(2).map(Number) : [0, 1];
const WARMUP = +(process.env.WARMUP ?? 2), PASSES = +(process.env.PASSES ?? 5);

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.jpg': 'image/jpeg',
  '.png': 'image/png', '.data': 'application/octet-stream', '.tflite': 'application/octet-stream', '.binarypb': 'application/octet-stream' };
const server = http.createServer((req, res) => {
  const u = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let f;
  if (u === '/' || u === '/index.html') f = path.join(here, 'index.html');
  else if (u.startsWith('/mp/')) f = path.join(mpDir, u.slice(4));
  else if (u.startsWith('/img/')) f = path.join(handsDir, u.slice(5));
  if (!f || f.includes('..') || !fs.existsSync(f)) { if (u !== '/favicon.ico') console.error('404', u); res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'Content-Type': types[path.extname(f)] || 'application/octet-stream' });
  fs.createReadStream(f).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
console.log('Chromium', browser.version(), '| warmup', WARMUP, 'passes', PASSES);
const summary = {};
for (const c of complexities) {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error('[page]', m.text()); });
  page.on('pageerror', (e) => console.error('[pageerror]', e.message));
  await page.goto(base);
  await page.waitForFunction(() => window.ready === true);
  const out = await page.evaluate(([n, c, w, p]) => window.bench(n, c, w, p), [names, c, WARMUP, PASSES]);
  await page.close();
  const all = Object.values(out).flatMap((o) => o.ms);
  const med = median(all);
  console.log(`\n== modelComplexity ${c}: median ${med.toFixed(1)} ms/photo over ${all.length} sends -> ${(1000 / med).toFixed(1)} photos/s (reference.json meta: ${ref.meta.medianMs[c]?.toFixed(1)} ms)`);
  let mism = 0;
  for (const n of names) {
    const o = out[n];
    const refN = ref.images[n][`complexity${c}`].numHands;
    const counts = [...new Set(o.numHands)].join('/');
    const ok = o.numHands.every((h) => h === refN);
    if (!ok) mism++;
    console.log(`${n.padEnd(48)} ${String(o.width + 'x' + o.height).padEnd(9)} median ${median(o.ms).toFixed(1).padStart(6)} ms  hands ${counts} (ref ${refN})${ok ? '' : '  MISMATCH'}`);
  }
  console.log(`hand-count mismatches vs reference.json: ${mism}/${names.length}`);
  summary[c] = { medianMs: med, fps: 1000 / med, mismatches: mism, perPhoto: Object.fromEntries(names.map((n) => [n, { medianMs: median(out[n].ms), numHands: out[n].numHands }])) };
}
fs.writeFileSync(path.join(here, 'results.json'), JSON.stringify({ chromium: browser.version(), warmup: WARMUP, passes: PASSES, summary }, null, 2));
await browser.close();
server.close();

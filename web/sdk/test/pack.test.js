import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** The names of the files in a tar archive (ustar headers, 512-byte blocks). */
function tarEntries(tar) {
  const names = [];
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start, length) => header.subarray(start, start + length).toString('latin1').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    names.push(prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const size = parseInt(field(124, 12).trim() || '0', 8);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

test('npm pack gives a tarball with the module, its declarations, package.json and README.md, and no tests', () => {
  const out = mkdtempSync(join(tmpdir(), 'palmreader-client-pack-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const pack = spawnSync(npm, ['pack', '--json', '--loglevel=error', '--pack-destination', out], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    assert.equal(pack.status, 0, `npm pack failed: ${pack.error ?? ''}${pack.stderr}`);
    const [report] = JSON.parse(pack.stdout);
    assert.equal(report.name, 'palmreader-client');
    assert.equal(report.version, '0.1.0');
    const entries = tarEntries(gunzipSync(readFileSync(join(out, report.filename))));
    const files = entries.map((name) => name.replace(/^package\//, '')).sort();
    for (const required of ['index.js', 'index.d.ts', 'package.json', 'README.md']) {
      assert.ok(files.includes(required), `${required} in ${files}`);
    }
    // Every module index.js reaches is packed; nothing else is.
    const modules = readFileSync(join(packageDir, 'session.js'), 'utf8') + readFileSync(join(packageDir, 'index.js'), 'utf8');
    for (const [, module] of modules.matchAll(/from '\.\/([\w-]+\.js)'/g)) {
      assert.ok(files.includes(module), `${module} in ${files}`);
    }
    assert.ok(!files.some((f) => f.startsWith('test/')), `no tests in ${files}`);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.dependencies ?? {}, {}, 'no runtime dependency');
    assert.equal(manifest.engines.node, '>=20');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

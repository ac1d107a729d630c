import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import * as sdk from '../index.js';

const declarations = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8');
const protocol = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

test('index.d.ts declares every export of index.js, and nothing the module lacks', () => {
  const declared = new Set([...declarations.matchAll(/^export (?:function|const|class) (\w+)/gm)].map((m) => m[1]));
  assert.deepEqual([...declared].sort(), Object.keys(sdk).sort());
});

test("every server message type protocol.md lists has its interface in ServerMessages, and only those", () => {
  const serverSection = protocol.slice(protocol.indexOf('## Server → client'), protocol.indexOf('## Error codes'));
  const rows = [...serverSection.matchAll(/^\| ((?:`\w+`(?:, )?)+) \|/gm)];
  // The header row names the column, `type`.
  const types = rows.flatMap((row) => [...row[1].matchAll(/`(\w+)`/g)].map((m) => m[1])).filter((t) => t !== 'type');
  assert.ok(types.includes('welcome') && types.includes('ai_error'), `read from the table: ${types}`);
  const block = declarations.slice(declarations.indexOf('export interface ServerMessages {'));
  const mapped = [...block.slice(0, block.indexOf('}')).matchAll(/^ {2}(\w+): (\w+);/gm)];
  assert.deepEqual(mapped.map((m) => m[1]).sort(), [...types].sort());
  for (const [, type, name] of mapped) {
    assert.match(declarations, new RegExp(`interface ${name} \\{\\n {2}type: '${type}';`), `${name} has type '${type}'`);
  }
});

test("every drop reason and error code protocol.md names is one the declarations spell out", () => {
  const codes = protocol.slice(protocol.indexOf('## Error codes'), protocol.indexOf('## Flow control'));
  for (const [, code] of codes.matchAll(/^\| `(\w+)` \|/gm)) {
    assert.ok(declarations.includes(`'${code}'`), `${code} in index.d.ts`);
  }
});

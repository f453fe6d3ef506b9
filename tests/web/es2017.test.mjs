// The pages run on old phone browsers: every script the hub serves is
// ES2017 at most (no optional chaining, no `??`, no modules, no class
// fields), as yz.js promises. Parsed with acorn at ecmaVersion 2017: a
// newer construct is a syntax error here before it is one on a resident's phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'hub', 'web');

test('every page script is ES2017 at most', () => {
  const files = readdirSync(web).filter((f) => f.endsWith('.js'));
  assert.ok(files.length >= 14, `found ${files.length} scripts in ${web}`);
  const bad = [];
  for (const f of files) {
    try {
      acorn.parse(readFileSync(join(web, f), 'utf8'), { ecmaVersion: 2017, sourceType: 'script' });
    } catch (e) {
      bad.push(`${f}: ${e.message}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the check would catch a newer construct', () => {
  for (const src of ['var a = b?.c;', 'var a = b ?? c;', 'class A { x = 1 }', 'import x from "y";']) {
    assert.throws(() => acorn.parse(src, { ecmaVersion: 2017, sourceType: 'script' }), SyntaxError, src);
  }
});

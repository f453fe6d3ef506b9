// The pages run on old phone browsers: every script the hub serves is
// ES2017 at most (no optional chaining, no `??`, no modules, no class
// fields), as yz.js promises. Parsed with acorn at ecmaVersion 2017: a
// newer construct is a syntax error here before it is one on a resident's phone.
// And ES2017 in style too: `const` and `let`, never `var`.
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

/** Where `src` declares with `var`: ["line:column", …] (every node of the tree is visited). */
function varDeclarations(src) {
  const found = [];
  const visit = (node) => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'VariableDeclaration' && node.kind === 'var') found.push(`${node.loc.start.line}:${node.loc.start.column + 1}`);
    for (const [k, v] of Object.entries(node)) if (k !== 'loc' && v && typeof v === 'object') visit(v);
  };
  visit(acorn.parse(src, { ecmaVersion: 2017, sourceType: 'script', locations: true }));
  return found;
}

test('no page script declares with var', () => {
  const files = readdirSync(web).filter((f) => f.endsWith('.js'));
  const bad = [];
  for (const f of files) {
    for (const at of varDeclarations(readFileSync(join(web, f), 'utf8'))) bad.push(`${f}:${at}`);
  }
  assert.deepEqual(bad, [], 'declare with const or let');
});

test('the var check finds every kind of var', () => {
  assert.deepEqual(varDeclarations('var a = 1;'), ['1:1']);
  assert.deepEqual(varDeclarations('for (var i = 0; i < 2; i++) {}\nfunction f() { for (var k in o) {} }'), ['1:6', '2:21']);
  assert.deepEqual(varDeclarations('(function () { if (x) { var y; } })();'), ['1:25']);
  assert.deepEqual(varDeclarations('const a = 1; let b = function () { const c = 2; };'), []);
});

test('the check would catch a newer construct', () => {
  for (const src of ['const a = b?.c;', 'const a = b ?? c;', 'class A { x = 1 }', 'import x from "y";']) {
    assert.throws(() => acorn.parse(src, { ecmaVersion: 2017, sourceType: 'script' }), SyntaxError, src);
  }
});

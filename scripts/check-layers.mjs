#!/usr/bin/env node
// Checks the import direction of docs/architecture.md#layers: util → model → odata → {store, format, auth, throttle} →
// targeting → sim → api → {admin, http} → cli. A module may import from its own layer or from layers to its left, never to its right or a sibling.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const RANK = {
  util: 0,
  model: 1,
  odata: 2,
  store: 3,
  format: 3,
  auth: 3,
  throttle: 3,
  targeting: 4,
  sim: 5,
  api: 6,
  admin: 7,
  http: 7,
  cli: 8,
};
// The pure cores may see the storage port's types, never a store's SQL.
const PORT_ONLY = { targeting: 'store/port.ts', sim: 'store/port.ts' };
const root = resolve('src');
const files = [];
const walk = (d) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.push(p);
  }
};
walk(root);
const layerOf = (file) => relative(root, file).split('/')[0];
const problems = [];
for (const file of files) {
  const from = layerOf(file);
  if (!(from in RANK)) continue;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(
    /(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g,
  )) {
    const spec = m[1] ?? m[2];
    const target = resolve(dirname(file), spec);
    const to = layerOf(target);
    if (!(to in RANK) || to === from) continue;
    if (from in PORT_ONLY && to === 'store' && relative(root, target).replace(/\.js$/, '.ts') !== PORT_ONLY[from]) {
      problems.push(`${relative('.', file)} (${from}) imports ${spec}: only ${PORT_ONLY[from]} of the store layer`);
    }
    if (RANK[to] >= RANK[from]) problems.push(`${relative('.', file)} (${from}) imports ${spec} (${to})`);
  }
}
// The console (console/src) is a browser app: it reaches the server over HTTP only, so it imports nothing from the
// server's sources (or anything outside console/) and no Node built-in.
const consoleRoot = resolve('console');
const consoleFiles = [];
const walkConsole = (d) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walkConsole(p);
    else if (/\.tsx?$/.test(p)) consoleFiles.push(p);
  }
};
walkConsole(join(consoleRoot, 'src'));
for (const file of consoleFiles) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(
    /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm,
  )) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (relative(consoleRoot, target).startsWith('..'))
        problems.push(
          `${relative('.', file)} (console) imports ${spec}: the console talks to the server over HTTP only`,
        );
    } else if (spec.startsWith('node:')) {
      problems.push(`${relative('.', file)} (console) imports ${spec}: a browser has no Node built-ins`);
    }
  }
}

if (problems.length) {
  console.error(
    `Layer violations (imports must point left: util → model → odata → {store, format, auth, throttle} → targeting → sim → api → {admin, http} → cli):\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`layers ok (${files.length} modules, ${consoleFiles.length} console modules)`);

#!/usr/bin/env node
// Runs every workspace's tap suite, then the repository-level suites under test/, one after
// another (the machines have two cores; the suites already run their files in parallel).
// Prints tap's own summary for each and exits non-zero if any suite failed or ran nothing.
// Usage: node scripts/test.mjs [workspace-dir ...]   (default: all, then test/)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tap = join(root, 'node_modules', '.bin', 'tap');

function workspaces() {
  const dirs = [];
  for (const group of ['packages', 'services']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const pkgFile = join(base, name, 'package.json');
      if (!existsSync(pkgFile)) continue;
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
      if (pkg.scripts?.test) dirs.push(join(group, name));
    }
  }
  return dirs;
}

const selected = process.argv.slice(2);
const suites = selected.length > 0 ? selected : [...workspaces(), 'test'];
let failed = 0;
const hasTests = (dir) => {
  const walk = (d) => readdirSync(d, { withFileTypes: true }).some((e) => (e.isDirectory() ? e.name !== 'node_modules' && walk(join(d, e.name)) : e.name.endsWith('.test.ts')));
  return existsSync(join(root, dir)) && walk(join(root, dir));
};
for (const dir of suites) {
  if (!hasTests(dir)) {
    console.log(`\n=== ${dir}: no tests yet`);
    continue;
  }
  console.log(`\n=== ${dir}`);
  const run = spawnSync(tap, [], { cwd: join(root, dir), stdio: 'inherit', env: process.env });
  if (run.status !== 0) {
    failed++;
    console.log(`=== ${dir}: failed (exit ${run.status ?? run.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);

#!/usr/bin/env node
/**
 * `node scripts/run-built.mjs <file under dist/> [args…]`: runs a compiled entry (a CLI or a benchmark), building
 * dist/ first only when a source is newer than the last build, so `npm run train -- --help` answers at once and a
 * changed source is never run stale. `node scripts/run-built.mjs --stamp` records a build (npm's postbuild).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');
const INPUTS = ['src', 'bench', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json', '.swcrc'];

function newestInput(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestInput(join(path, entry)));
  return newest;
}

function stamp() {
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

const [entry, ...args] = process.argv.slice(2);
if (entry === '--stamp') {
  stamp();
  process.exit(0);
}
if (!entry) {
  process.stderr.write('usage: node scripts/run-built.mjs <file under dist/> [args…]\n');
  process.exit(2);
}
const target = join(ROOT, 'dist', entry);
const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
if (!existsSync(target) || Math.max(...INPUTS.map((p) => newestInput(join(ROOT, p)))) > built) {
  process.stderr.write('building dist/ (sources changed since the last build)…\n');
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 2, 2], // the build's messages go to stderr: stdout stays the command's own (--json)
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  stamp();
}
const run = spawnSync(process.execPath, [target, ...args], { cwd: process.cwd(), stdio: 'inherit' });
if (run.signal) process.kill(process.pid, run.signal);
process.exit(run.status ?? 1);

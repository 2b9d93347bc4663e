import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'spam-classifier';
let cached: string | undefined;

/**
 * The folder holding this project's package.json, found by walking up from this file (the same from `src/` under
 * ts-node/SWC and from `dist/src/` once built). Without one (a copied build), the folder above `dist/`, else the
 * working directory.
 */
export function projectRoot(): string {
  cached ??= findProjectRoot(__dirname);
  return cached;
}

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isThisProject(manifest)) return dir;
    if (dirname(dir) === dir) break;
  }
  const at = start.lastIndexOf('/dist/');
  return at >= 0 ? start.slice(0, at) : process.cwd();
}

function isThisProject(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

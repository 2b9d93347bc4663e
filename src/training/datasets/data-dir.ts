import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const DATA_DIR_ENV = 'SPAM_DATA_DIR';

let projectRootCache: string | undefined;

/** The folder holding this project's package.json, found by walking up from this file (works from src/ and dist/). */
export function projectRoot(): string {
  if (projectRootCache) return projectRootCache;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isThisProject(manifest)) return (projectRootCache = dir);
    const parent = dirname(dir);
    if (parent === dir) return (projectRootCache = process.cwd());
    dir = parent;
  }
}

function isThisProject(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'spam-classifier';
  } catch {
    return false;
  }
}

/** The data folder: an explicit choice (CLI flag), else `SPAM_DATA_DIR`, else `../shared/data` beside the project. */
export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit?.trim() || env[DATA_DIR_ENV]?.trim();
  return chosen ? resolve(chosen) : resolve(projectRoot(), '..', 'shared', 'data');
}

/** Where derived files (parsed-corpus caches) may be written: `<project>/.data/cache`, gitignored. */
export function cacheDir(): string {
  return join(projectRoot(), '.data', 'cache');
}

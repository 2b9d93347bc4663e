import { join, resolve } from 'node:path';
import { projectRoot } from '../../config/project-root';
import { datasetsConfig } from '../config/datasets.config';

export const DATA_DIR_ENV = 'SPAM_DATA_DIR';

/**
 * The data folder: an explicit choice (CLI flag), else `SPAM_DATA_DIR` of `env` (a command line's environment;
 * default the process's, validated by the datasets config), else `../shared/data` beside the project.
 */
export function resolveDataDir(explicit?: string, env?: Record<string, unknown>): string {
  const chosen = explicit?.trim();
  if (chosen) return resolve(chosen);
  return (env === undefined ? datasetsConfig.fromProcess() : datasetsConfig.from(env)).dataDir;
}

/** Where derived files (parsed-corpus caches) may be written: `<project>/.data/cache`, gitignored. */
export function cacheDir(): string {
  return join(projectRoot(), '.data', 'cache');
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

let lookedUp: Promise<string | undefined> | undefined;

/**
 * The git commit a run was trained from, for its tags: the configured one (GIT_COMMIT: CI, the image), else
 * `git rev-parse HEAD`, looked up once per process and without blocking the event loop. Undefined outside a checkout.
 */
export function sourceCommit(configured?: string): Promise<string | undefined> {
  if (configured) return Promise.resolve(configured);
  lookedUp ??= promisify(execFile)('git', ['rev-parse', 'HEAD'], { timeout: 5000 })
    .then(({ stdout }) => stdout.trim() || undefined)
    .catch(() => undefined);
  return lookedUp;
}

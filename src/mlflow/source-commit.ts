import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

let lookedUp: Promise<string | undefined> | undefined;

/**
 * The git commit a run was trained from, for its tags: GIT_COMMIT when set (CI, the image), else `git rev-parse HEAD`,
 * looked up once per process and without blocking the event loop. Undefined outside a git checkout.
 */
export function sourceCommit(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env.GIT_COMMIT) return Promise.resolve(env.GIT_COMMIT);
  lookedUp ??= promisify(execFile)('git', ['rev-parse', 'HEAD'], { timeout: 5000 })
    .then(({ stdout }) => stdout.trim() || undefined)
    .catch(() => undefined);
  return lookedUp;
}

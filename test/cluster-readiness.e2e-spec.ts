import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { typescriptBootstrap } from '../src/engine/runtime/typescript-entry';

const ROOT = resolve(__dirname, '..');
const MAIN_SOURCE = join(ROOT, 'src/main.ts');

/** A port free now (the cluster's workers share one fixed port). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.once('error', fail);
  });
}

/**
 * One request on a new connection: the cluster hands each connection to a worker in turn, so a kept-alive
 * connection would always reach the same worker and hide one that cannot serve.
 */
function send(port: number, method: string, path: string, body?: string): Promise<number> {
  return new Promise((done) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', () => done(0));
    req.end(body);
  });
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      !/^(DATABASE_|MLFLOW_|VAULT_|FEEDBACK_|RETRAIN_|TRAINING_|MODEL_|SPAM_DATA_DIR$|WEB_CONCURRENCY$|PORT$)/u.test(
        key,
      )
    )
      env[key] = value;
  }
  return { ...env, ...extra };
}

describe('readiness of a cluster (WEB_CONCURRENCY=2, first start)', () => {
  let dir: string;
  let primary: ChildProcess | undefined;
  let output = '';

  beforeAll(() => {
    // The real corpora (SPAM_DATA_DIR's default, else the SpamAssassin npm package alone): a tiny model would load
    // in the second worker before it listens and hide the window this test is about.
    dir = mkdtempSync(join(tmpdir(), 'cluster-readiness-'));
  });

  afterAll(async () => {
    if (primary && primary.exitCode === null) {
      const exited = new Promise((done) => primary?.once('exit', done));
      primary.kill('SIGTERM');
      await Promise.race([exited, sleep(20_000, undefined, { ref: false })]);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('should answer /health/ready 200 only once every worker serves predictions', async () => {
    const port = await freePort();
    primary = spawn(process.execPath, ['-e', typescriptBootstrap('process.argv[1]'), MAIN_SOURCE], {
      cwd: ROOT,
      env: cleanEnv({
        WEB_CONCURRENCY: '2',
        PORT: String(port),
        HOST: '127.0.0.1',
        MODEL_DIR: join(dir, 'models'),
        MLFLOW_LOCAL_REGISTRY_DIR: join(dir, 'registry'),
        FEEDBACK_DB_DIR: join(dir, 'feedback'),
        SHUTDOWN_DRAIN_MS: '0',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    primary.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    primary.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const seen = new Set<number>();
    const deadline = Date.now() + 150_000;
    let ready = 0;
    while (ready !== 200) {
      if (Date.now() > deadline || primary.exitCode !== null) throw new Error(`never ready:\n${output.slice(-4000)}`);
      ready = await send(port, 'GET', '/health/ready');
      seen.add(ready);
      if (ready !== 200) await sleep(50);
    }
    // The port answered while the first model trained (unready), before it was ready.
    expect(seen).toContain(503);

    // Predictions from then on, through the second worker's start (forked once the first had trained the model)
    // and 200 more after both logged their model serving: every one is answered.
    const statuses = new Map<number, number>();
    const predict = async () => {
      const status = await send(port, 'POST', '/api/v1/predictions', '{"text":"WINNER claim your prize now"}');
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    };
    while ((output.match(/serving from/g) ?? []).length < 2) {
      if (Date.now() > deadline || primary.exitCode !== null)
        throw new Error(`one worker only:\n${output.slice(-4000)}`);
      await predict();
    }
    for (let i = 0; i < 200; i++) await predict();
    expect(Object.fromEntries(statuses)).toEqual({ 200: expect.any(Number) });
    expect(statuses.get(200)).toBeGreaterThanOrEqual(200);
  }, 180_000);
});

/**
 * `npm run bench:http [-- --json] [-- --duration 15 --rounds 3 --warmup 5 --connections 64 --workers 2 --model <artifact> --skip-seed --strict --dist <dir>]`
 *
 * Starts, with the same number of worker processes, (1) this service's
 * POST /api/v1/predictions (node dist/src/main.js, WEB_CONCURRENCY workers), (2) the framework ceiling: bare fastify
 * with the same engine, JSON schema and log line (bench/bare-fastify.ts), and (3) where Debian's python3-flask,
 * python3-sklearn, python3-nltk and gunicorn are installed, the seed's REST design from ../shared/seed-peer under
 * gunicorn with the same number of workers. Each gets the same 20 real SMS (10 ham, 10 spam from the SMS test
 * rows) at 64 connections for 15 s with wrk (autocannon when wrk is missing), after a warm-up (`--warmup 5` s each:
 * a Nest worker's JIT is still compiling after 3 s, which charged the service's first round ~20 % more CPU); the 15 s are
 * split into rounds (`--rounds 3`) that alternate between the targets, so a change in the shared machine's load
 * during the run hits all of them alike. Prints req/s,
 * p50, p99, non-2xx and resident memory per worker for each, and the ratios against the targets.
 * Also prints the CPU time the serving processes spent per answered request (from /proc, user + system, over the
 * loaded rounds only): on a shared machine req/s moves with the neighbours' load, CPU per request much less.
 * `--dist <dir>` serves a build other than the project's `dist/` (its parent must hold `views/` and `public/`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitOnHelp } from './bench-support';
import { applySplit, loadSmsCsv, loadSplit, resolveDataDir } from '../src/training/datasets';

const ROOT = resolve(__dirname, '..', '..');

interface Options {
  json: boolean;
  duration: number;
  connections: number;
  workers: number;
  warmup: number;
  skipSeed: boolean;
  strict: boolean;
  /** The loaded seconds are split into this many rounds, alternating between the targets. */
  rounds: number;
  seedDir: string;
  /** An artifact to serve; without it the service starts on an empty MODEL_DIR and trains the default model. */
  model: string | undefined;
  /** The build to serve (default: the project's dist/). */
  dist: string;
}

/** What one wrk (or autocannon) run measures. */
type Measured = Omit<
  RunResult,
  'rssMbPerWorker' | 'rssMbOtherChildren' | 'rssMbTree' | 'rssMbMaxProcess' | 'name' | 'cpuUsPerRequest'
>;

interface RunResult {
  name: string;
  url: string;
  tool: 'wrk' | 'autocannon';
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  socketErrors: number;
  rssMbPerWorker: number[];
  /** Children that are not workers (the service starts none: each worker opens the feedback store itself). */
  rssMbOtherChildren: number[];
  /** The whole process tree: the process (a cluster primary, gunicorn's arbiter) and every child. */
  rssMbTree: number;
  /** The largest single process of the tree. */
  rssMbMaxProcess: number;
  /** CPU time (user + system) of the serving processes per answered request, over the loaded rounds. */
  cpuUsPerRequest: number | null;
  startMs?: number;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
  };
  return {
    json: argv.includes('--json'),
    duration: Number(value('duration', '15')),
    connections: Number(value('connections', '64')),
    workers: Number(value('workers', '2')),
    warmup: Number(value('warmup', '5')),
    skipSeed: argv.includes('--skip-seed'),
    strict: argv.includes('--strict'),
    rounds: Number(value('rounds', '3')),
    model: argv.includes('--model') ? resolve(value('model', '')) : undefined,
    dist: resolve(value('dist', join(ROOT, 'dist'))),
    seedDir: resolve(value('seed-dir', process.env.SEED_PEER_DIR ?? join(ROOT, '..', 'shared', 'seed-peer'))),
  };
}

function say(options: Options, message: string): void {
  if (!options.json) process.stdout.write(`${message}\n`);
  else process.stderr.write(`${message}\n`);
}

function which(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The seed's load: 10 ham + 10 spam from the SMS test rows in row order, interleaved (as its build_model.py does). */
async function smsBodies(): Promise<string[]> {
  const dir = join(resolveDataDir(), 'sms-spam');
  const rows = await loadSmsCsv(join(dir, 'spam.csv'));
  const { test } = applySplit(rows, await loadSplit(join(dir, 'split-seed42.json')));
  const ham = test.filter((r) => r.label === 0).slice(0, 10);
  const spam = test.filter((r) => r.label === 1).slice(0, 10);
  return ham.flatMap((h, i) => [h, spam[i]]).map((r) => JSON.stringify({ text: r.text }));
}

function wrkScript(dir: string, name: string, path: string, bodies: string[]): string {
  const file = join(dir, `${name}.lua`);
  const quoted = bodies.map((b) => `  ${luaLongString(b)},`).join('\n');
  writeFileSync(
    file,
    `local bodies = {\n${quoted}\n}\nlocal i = 0\nlocal headers = { ["Content-Type"] = "application/json" }\n` +
      `request = function()\n  i = (i % #bodies) + 1\n  return wrk.format("POST", "${path}", headers, bodies[i])\nend\n`,
  );
  return file;
}

function luaLongString(s: string): string {
  let level = 0;
  while (s.includes(`]${'='.repeat(level)}]`)) level++;
  const eq = '='.repeat(level);
  return `[${eq}[${s}]${eq}]`;
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

async function load(
  options: Options,
  name: string,
  url: string,
  script: string,
  bodies: string[],
  seconds: number,
): Promise<Measured> {
  if (which('wrk')) {
    const out = spawnSync('wrk', ['-t2', `-c${options.connections}`, `-d${seconds}s`, '--latency', '-s', script, url], {
      encoding: 'utf8',
      timeout: (seconds + 30) * 1000,
    });
    const text = out.stdout;
    const grab = (re: RegExp) => re.exec(text)?.[1];
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
    return {
      url,
      tool: 'wrk',
      requestsPerSecond: Number(grab(/Requests\/sec:\s+([\d.]+)/)),
      p50Ms: toMs(grab(/\n\s+50%\s+(\S+)/) ?? ''),
      p99Ms: toMs(grab(/\n\s+99%\s+(\S+)/) ?? ''),
      requests: Number(grab(/(\d+) requests in/)),
      non2xx: Number(grab(/Non-2xx or 3xx responses: (\d+)/) ?? 0),
      socketErrors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- autocannon ships no types; only loaded without wrk
  const autocannon = require('autocannon') as (opts: object) => Promise<{
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  }>;
  const path = new URL(url).pathname;
  let i = 0;
  const result = await autocannon({
    url: url.replace(/\/api.*|\/predict$/, ''),
    connections: options.connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req: object) => ({ ...req, body: bodies[i++ % bodies.length] }),
      },
    ],
  });
  void name;
  return {
    url,
    tool: 'autocannon',
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    socketErrors: result.errors,
  };
}

/**
 * Resident memory of the serving workers: the children started with the same command line as the process (cluster
 * or gunicorn workers) when there are any, else the process itself. Other children (the service's embedded
 * database process) are not workers; their memory is reported apart (`rssMbOtherChildren`).
 */
function rssMb(pid: number): { workers: number[]; others: number[]; tree: number; maxProcess: number } {
  const ps = (args: string[]) =>
    spawnSync('ps', ['-o', 'rss=,args=', ...args], { encoding: 'utf8' })
      .stdout.split('\n')
      .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ mb: Math.round((Number(m[1]) / 1024) * 10) / 10, args: m[2] }));
  const [own] = ps(['-p', String(pid)]);
  if (!own) return { workers: [], others: [], tree: 0, maxProcess: 0 };
  const children = ps(['--ppid', String(pid)]);
  // A cluster worker's command line may carry the V8 flags its primary adds (src/app/cluster-primary.ts).
  const script = own.args.split(' ').pop();
  const isWorker = (c: { args: string }) => c.args === own.args || c.args.split(' ').pop() === script;
  const workers = children.filter(isWorker).map((c) => c.mb);
  const others = children.filter((c) => !isWorker(c)).map((c) => c.mb);
  const all = [own.mb, ...children.map((c) => c.mb)];
  const tree = Math.round(all.reduce((sum, mb) => sum + mb, 0) * 10) / 10;
  return { workers: workers.length > 0 ? workers : [own.mb], others, tree, maxProcess: Math.max(...all) };
}

/** The serving processes: the process and its children (cluster workers, gunicorn workers). */
function processTree(pid: number): number[] {
  const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => n > 0);
  return [pid, ...children];
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User + system CPU seconds of these processes (all their threads), or NaN where /proc is missing. */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return Number.NaN;
    }
  }
  return ticks / CLOCK_TICKS;
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

interface Target {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  readonly path: string;
  readonly script: string;
  readonly startMs?: number;
}

type LoadResult = Measured & {
  cpuSeconds: number;
};

/**
 * Loads every target in turn, `rounds` times, so that a drift in the machine's load (it is shared) hits them alike,
 * then adds the rounds up: req/s over the whole loaded time, p50/p99 as the median of the rounds' values.
 */
async function loadInRounds(options: Options, targets: readonly Target[], bodies: string[]): Promise<RunResult[]> {
  for (const t of targets) {
    say(options, `· ${t.name}: warm-up ${options.warmup} s`);
    await load(options, t.name, t.url + t.path, t.script, bodies, options.warmup);
  }
  const rounds = Math.max(1, options.rounds);
  const seconds = Math.max(1, Math.round(options.duration / rounds));
  const perTarget = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
  for (let r = 1; r <= rounds; r++) {
    for (const t of targets) {
      say(options, `· round ${r}/${rounds}: ${t.name} for ${seconds} s at ${options.connections} connections`);
      const pids = processTree(t.child.pid!);
      const cpuBefore = cpuSeconds(pids);
      const run = await load(options, t.name, t.url + t.path, t.script, bodies, seconds);
      perTarget.get(t.name)!.push({ ...run, cpuSeconds: cpuSeconds(pids) - cpuBefore });
    }
  }
  return targets.map((t) => {
    const runs = perTarget.get(t.name)!;
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const requests = runs.reduce((sum, run) => sum + run.requests, 0);
    const cpu = runs.reduce((sum, run) => sum + run.cpuSeconds, 0);
    const rss = rssMb(t.child.pid!);
    return {
      name: t.name,
      url: t.url + t.path,
      tool: runs[0].tool,
      requestsPerSecond: Math.round((requests / (seconds * runs.length)) * 10) / 10,
      p50Ms: median(runs.map((run) => run.p50Ms)),
      p99Ms: median(runs.map((run) => run.p99Ms)),
      requests,
      non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
      socketErrors: runs.reduce((sum, run) => sum + run.socketErrors, 0),
      rssMbPerWorker: rss.workers,
      rssMbOtherChildren: rss.others,
      rssMbTree: rss.tree,
      rssMbMaxProcess: rss.maxProcess,
      cpuUsPerRequest: Number.isFinite(cpu) && requests > 0 ? Math.round((cpu / requests) * 1e7) / 10 : null,
      startMs: t.startMs,
    };
  });
}

async function launch(
  name: string,
  start: () => Promise<{ child: ChildProcess; url: string; startMs?: number }>,
  path: string,
  bodies: string[],
  dir: string,
): Promise<Target> {
  const { child, url, startMs } = await start();
  return { name, child, url, path, script: wrkScript(dir, name, path, bodies), startMs };
}

const USAGE = `
npm run bench:http -- [--json] [--duration 15] [--rounds 3] [--warmup 5] [--connections 64] [--workers 2]
                      [--model ARTIFACT] [--skip-seed] [--strict] [--dist DIR] [--seed-dir DIR]

Requests per second, p50, p99, CPU per request and resident memory (per worker and for the whole process tree) of
this service's POST /api/v1/predictions, of a bare fastify app running the same engine, and of the seed (Flask under
gunicorn, when Debian's python3-flask, python3-sklearn, python3-nltk and gunicorn are installed), in the same run,
with the ratios. Uses wrk (autocannon when wrk is missing).
  --duration S     loaded seconds per target, split into --rounds that alternate between the targets
  --warmup S       warm-up seconds per target before measuring
  --connections N  concurrent connections; --workers N: worker processes of each target
  --model FILE     the artifact to serve (default: train the default model on an empty MODEL_DIR)
  --skip-seed      leave the seed out; --strict: exit 1 when a target fails
  --dist DIR       serve another build than dist/
  --json           one JSON document on stdout
`;

async function main(): Promise<void> {
  exitOnHelp(process.argv.slice(2), USAGE);
  const options = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const logFd = (name: string) => openSync(join(dir, `${name}.log`), 'a');
  const fds: number[] = [];
  const targets: Target[] = [];
  try {
    const bodies = await smsBodies();
    const modelDir = join(dir, 'models');
    const workers = String(options.workers);

    let modelPath = '';
    targets.push(
      await launch(
        'service',
        async () => {
          const port = await freePort();
          const out = logFd('service');
          fds.push(out);
          const child = spawn(process.execPath, [join(options.dist, 'src', 'main.js')], {
            env: {
              ...process.env,
              PORT: String(port),
              HOST: '127.0.0.1',
              WEB_CONCURRENCY: workers,
              MODEL_DIR: modelDir,
              ...(options.model ? { MODEL_PATH: options.model } : {}),
              THROTTLE_LIMIT: '1000000000',
              SHUTDOWN_DRAIN_MS: '0',
              LOG_LEVEL: 'info',
              POD_NAME: 'bench',
              FEEDBACK_DB_DIR: join(dir, 'feedback-db'),
              TRAINING_OUT_DIR: join(dir, 'training'),
              MLFLOW_LOCAL_REGISTRY_DIR: join(dir, 'mlruns'),
              MLFLOW_CHAMPION_CACHE_DIR: join(dir, 'champion'),
            },
            stdio: ['ignore', out, out],
          });
          const url = `http://127.0.0.1:${port}`;
          const startMs = await waitFor(`${url}/health/ready`, 180_000, child);
          const card = (await (await fetch(`${url}/api/v1/model`)).json()) as { source: string; version: string };
          // The card names an artifact of MODEL_DIR relative to it (never by its absolute path).
          modelPath = options.model ?? resolve(modelDir, card.source);
          say(
            options,
            `· service ready in ${startMs} ms (first start, trains the default model into an empty MODEL_DIR): model ${card.version}`,
          );
          return { child, url, startMs };
        },
        '/api/v1/predictions',
        bodies,
        dir,
      ),
    );

    targets.push(
      await launch(
        'bare-fastify',
        async () => {
          const port = await freePort();
          const out = logFd('bare-fastify');
          fds.push(out);
          const child = spawn(process.execPath, [join(options.dist, 'bench', 'bare-fastify.js')], {
            env: {
              ...process.env,
              PORT: String(port),
              HOST: '127.0.0.1',
              WEB_CONCURRENCY: workers,
              MODEL_PATH: modelPath,
              POD_NAME: 'bench',
            },
            stdio: ['ignore', out, out],
          });
          const url = `http://127.0.0.1:${port}`;
          await waitForPost(`${url}/api/v1/predictions`, bodies[0], 60_000, child);
          return { child, url };
        },
        '/api/v1/predictions',
        bodies,
        dir,
      ),
    );

    const seedReady =
      !options.skipSeed &&
      existsSync(join(options.seedDir, 'app.py')) &&
      which('gunicorn') &&
      existsSync('/usr/bin/python3');
    if (seedReady) {
      const seedOut = join(dir, 'seed-peer');
      const build = spawnSync('/usr/bin/python3', ['build_model.py'], {
        cwd: options.seedDir,
        env: { ...process.env, SEED_PEER_OUT: seedOut },
        encoding: 'utf8',
        timeout: 300_000,
      });
      if (build.status !== 0) {
        say(options, `· seed peer skipped: build_model.py failed: ${(build.stderr || build.stdout).slice(-400)}`);
      } else {
        targets.push(
          await launch(
            'seed-gunicorn',
            async () => {
              const port = await freePort();
              const out = logFd('seed');
              fds.push(out);
              const child = spawn(
                'gunicorn',
                ['-w', workers, '-k', 'sync', '-b', `127.0.0.1:${port}`, '--chdir', options.seedDir, 'app:app'],
                {
                  env: { ...process.env, SEED_PEER_OUT: seedOut },
                  stdio: ['ignore', out, out],
                },
              );
              const url = `http://127.0.0.1:${port}`;
              await waitForPost(`${url}/predict`, bodies[0], 60_000, child);
              return { child, url };
            },
            '/predict',
            bodies,
            dir,
          ),
        );
      }
    } else if (!options.skipSeed) {
      say(
        options,
        '· seed peer skipped: needs ../shared/seed-peer, /usr/bin/python3 with flask, sklearn, nltk, and gunicorn',
      );
    }
    report(options, await loadInRounds(options, targets, bodies));
  } finally {
    for (const t of targets) await stop(t.child);
    for (const fd of fds) closeSync(fd);
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForPost(url: string, body: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${url} not answering within ${timeoutMs} ms`);
}

function report(options: Options, results: RunResult[]): void {
  const by = (name: string) => results.find((r) => r.name === name);
  const service = by('service')!;
  const bare = by('bare-fastify');
  const seed = by('seed-gunicorn');
  const ratio = (a: number, b: number | undefined) => (b ? Math.round((a / b) * 100) / 100 : null);
  const vsBare = ratio(service.requestsPerSecond, bare?.requestsPerSecond);
  const vsSeed = ratio(service.requestsPerSecond, seed?.requestsPerSecond);
  // The throughput ratio the CPU figures predict: bare fastify's CPU per request over the service's.
  const cpuVsBare =
    service.cpuUsPerRequest && bare?.cpuUsPerRequest ? ratio(bare.cpuUsPerRequest, service.cpuUsPerRequest) : null;
  const maxRss = Math.max(...service.rssMbPerWorker);
  const targets = {
    vs_bare_fastify_ge_0_8: vsBare !== null && vsBare >= 0.8,
    vs_seed_ge_6: vsSeed === null ? null : vsSeed >= 6,
    p99_le_25ms: service.p99Ms <= 25,
    zero_non_2xx: service.non2xx === 0 && service.socketErrors === 0,
    rss_le_250mb_per_worker: maxRss <= 250,
    rss_tree_le_400mb: service.rssMbTree <= 400,
    rss_le_160mb_per_process: service.rssMbMaxProcess <= 160,
  };
  const document = {
    workers: options.workers,
    connections: options.connections,
    duration_s: options.duration,
    results,
    ratios: { service_vs_bare_fastify: vsBare, service_vs_seed: vsSeed, cpu_per_request_bare_over_service: cpuVsBare },
    targets,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    const pad = (s: string, n: number) => s.padEnd(n);
    say(options, '');
    say(
      options,
      `${pad('target', 16)}${pad('req/s', 10)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('non-2xx', 9)}${pad('sock err', 10)}${pad('CPU µs/req', 12)}${pad('RSS MB tree', 13)}RSS MB per worker`,
    );
    for (const r of results) {
      say(
        options,
        `${pad(r.name, 16)}${pad(r.requestsPerSecond.toFixed(0), 10)}${pad(r.p50Ms.toFixed(2), 9)}${pad(r.p99Ms.toFixed(2), 9)}${pad(String(r.non2xx), 9)}${pad(String(r.socketErrors), 10)}${pad(r.cpuUsPerRequest?.toFixed(1) ?? 'n/a', 12)}${pad(r.rssMbTree.toFixed(1), 13)}${r.rssMbPerWorker.join(', ')}${r.rssMbOtherChildren.length ? ` (+ other processes: ${r.rssMbOtherChildren.join(', ')})` : ''}`,
      );
    }
    say(options, '');
    say(options, `service / bare fastify: ${vsBare ?? 'n/a'} (target ≥ 0.8) ${mark(targets.vs_bare_fastify_ge_0_8)}`);
    say(options, `CPU per request, bare fastify / service: ${cpuVsBare ?? 'n/a'} (the ratio the CPU cost predicts)`);
    say(
      options,
      `service / seed (gunicorn ×${options.workers}): ${vsSeed ?? 'n/a'} (target ≥ 6) ${mark(targets.vs_seed_ge_6)}`,
    );
    say(options, `service p99 ${service.p99Ms.toFixed(2)} ms (target ≤ 25) ${mark(targets.p99_le_25ms)}`);
    say(
      options,
      `service non-2xx ${service.non2xx}, socket errors ${service.socketErrors} (target 0) ${mark(targets.zero_non_2xx)}`,
    );
    say(
      options,
      `service RSS per worker ${service.rssMbPerWorker.join(', ')} MB (target ≤ 250) ${mark(targets.rss_le_250mb_per_worker)}`,
    );
    say(
      options,
      `service RSS of the process tree ${service.rssMbTree} MB (target ≤ 400) ${mark(targets.rss_tree_le_400mb)}, ` +
        `largest process ${service.rssMbMaxProcess} MB (target ≤ 160) ${mark(targets.rss_le_160mb_per_process)}`,
    );
  }
  if (options.strict && Object.values(targets).some((v) => v === false)) process.exitCode = 1;
}

function mark(ok: boolean | null): string {
  return ok === null ? '(not measured)' : ok ? 'OK' : 'MISSED';
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

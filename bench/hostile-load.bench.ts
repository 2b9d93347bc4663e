/**
 * `node scripts/run-built.mjs bench/hostile-load.bench.js [--json] [--duration 10] [--connections 8] [--url URL | --model ARTIFACT --dist DIR]`
 *
 * Issue 12's load test: what one hostile client does to everyone else. Runs a small-SMS load (wrk, 20 short texts,
 * `--connections` connections) on POST /api/v1/predictions twice, for `--duration` seconds each: quiet, then while one
 * client loops, one request at a time, over the worst cases of the issue (an email of 262,000 characters of nested
 * `<ul><li>`, a batch of 7 malformed emails of ~940 KB, a KServe request with 3 HTML emails). During both runs a probe
 * asks GET /health/live every 250 ms with a 1 s timeout, as a kubelet would. Prints (and with --json, as JSON) the
 * SMS p50/p99 and req/s of each run, the hostile requests' statuses and times, the probes that failed, and whether
 * the goals hold: p99 under load at most 3 × the quiet p99, no probe timeout.
 *
 * Starts the service from `--dist` (default: the project's dist/, `npm run build` first) on a free port with a copy of
 * `--model` (default var/models/model.json) and throwaway stores, or uses the running service at `--url`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitOnHelp, integerArg, machine, parseBenchArgs, progress, quantile, round } from './bench-support';

const ROOT = resolve(__dirname, '..', '..');

const USAGE = `
node scripts/run-built.mjs bench/hostile-load.bench.js [--json] [--duration 10] [--connections 8]
                                                       [--url http://host:port | --model ARTIFACT --dist DIR]

The p99 of a small-SMS load on POST /api/v1/predictions, quiet and while one client loops over the worst emails
and batches of issue 12, and the /health/live probes (1 s timeout) that fail meanwhile. Goal: p99 under load at most
3 × the quiet p99, no probe timeout. Uses wrk.
`;

const SMS = [
  'Ok lar... Joking wif u oni...',
  'WINNER!! As a valued network customer you have been selected to receive a £900 prize reward!',
  'I am gonna be home soon and i dont want to talk about this stuff anymore tonight',
  'Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005. Text FA to 87121',
  'Lunch at noon? The usual place.',
];

const HTML_HEAD = 'From: a@b.c\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n';
const MAX_TEXT = 262_000;

function repeated(head: string, unit: string, chars = MAX_TEXT): string {
  return (head + unit.repeat(Math.ceil(chars / unit.length))).slice(0, chars);
}

function multipart(parts: number): string {
  const part = (i: number): string => `--x\r\nContent-Type: text/html\r\n\r\n<p>${'<i>'.repeat(50)}part ${i}\r\n`;
  const body = Array.from({ length: parts }, (_, i) => part(i)).join('');
  return `From: a@b.c\r\nSubject: y\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n${body}--x--\r\n`;
}

/** The worst requests of issue 12 (each within the default body and text limits). */
function hostileRequests(): Array<{ name: string; path: string; body: string }> {
  const nestedMultipart =
    'From: a@b.c\r\nSubject: z\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=q\r\n\r\n' +
    '--q\r\nContent-Type: multipart/related; boundary=q\r\n\r\n'.repeat(2_500);
  const batch = [
    repeated(HTML_HEAD, '<b>', 140_000),
    repeated(HTML_HEAD, '<div>', 140_000),
    repeated(HTML_HEAD, '<table><tr><td>', 140_000),
    multipart(600).slice(0, 140_000),
    nestedMultipart.slice(0, 139_000),
    repeated(HTML_HEAD, '<a href=x>', 140_000),
    repeated(HTML_HEAD, `<p ${'a=b '.repeat(30)}>`, 140_000),
  ];
  const kserve = [repeated(HTML_HEAD, '<b>'), repeated(HTML_HEAD, '<div>'), repeated(HTML_HEAD, '<span>')];
  return [
    {
      name: 'email: 262,000 characters of nested <ul><li>',
      path: '/api/v1/predictions',
      body: JSON.stringify({ text: repeated(HTML_HEAD, '<ul><li>'), channel: 'email' }),
    },
    {
      name: 'batch: 7 malformed emails',
      path: '/api/v1/predictions/batch',
      body: JSON.stringify({ messages: batch.map((text) => ({ text, channel: 'email' })) }),
    },
    {
      name: 'KServe: 3 HTML emails',
      path: '/v2/models/spam-classifier/infer',
      body: JSON.stringify({ inputs: [{ name: 'text', shape: [3], datatype: 'BYTES', data: kserve }] }),
    },
  ];
}

interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  socketErrors: string;
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

function wrkScript(dir: string): string {
  const file = join(dir, 'sms.lua');
  const bodies = SMS.map((text) => `  [==[${JSON.stringify({ text, channel: 'sms' })}]==],`).join('\n');
  writeFileSync(
    file,
    `local bodies = {\n${bodies}\n}\nlocal i = 0\nlocal headers = { ["Content-Type"] = "application/json" }\n` +
      `request = function()\n  i = (i % #bodies) + 1\n  return wrk.format("POST", "/api/v1/predictions", headers, bodies[i])\nend\n`,
  );
  return file;
}

/** wrk in a child process, so that this process's loop stays free for the hostile client and the probe. */
function runWrk(url: string, script: string, seconds: number, connections: number): Promise<WrkResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('wrk', [
      '-t2',
      `-c${connections}`,
      `-d${seconds}s`,
      '--timeout',
      '5s',
      '--latency',
      '-s',
      script,
      url,
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}: ${out}`));
      const latency = (p: string): number => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
      resolveRun({
        requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
        p50Ms: latency('50'),
        p99Ms: latency('99'),
        requests: Number(/(\d+) requests in/.exec(out)?.[1]),
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
        socketErrors: /Socket errors: (.*)/.exec(out)?.[1] ?? 'none',
      });
    });
  });
}

interface ProbeResult {
  sent: number;
  failed: number;
  maxMs: number;
}

async function probeUntil(url: string, stop: { done: boolean }): Promise<ProbeResult> {
  const result: ProbeResult = { sent: 0, failed: 0, maxMs: 0 };
  while (!stop.done) {
    const started = performance.now();
    result.sent++;
    try {
      const res = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (!res.ok) result.failed++;
    } catch {
      result.failed++;
    }
    const ms = performance.now() - started;
    result.maxMs = Math.max(result.maxMs, ms);
    await sleep(Math.max(0, 250 - ms));
  }
  return { ...result, maxMs: round(result.maxMs, 1) };
}

interface HostileResult {
  name: string;
  count: number;
  statuses: Record<string, number>;
  medianMs: number;
  maxMs: number;
}

async function hostileUntil(url: string, stop: { done: boolean }): Promise<HostileResult[]> {
  const requests = hostileRequests();
  const times = requests.map(() => [] as number[]);
  const statuses = requests.map(() => ({}) as Record<string, number>);
  for (let i = 0; !stop.done; i = (i + 1) % requests.length) {
    const { path, body } = requests[i];
    const started = performance.now();
    let status: string;
    try {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      status = String(res.status);
    } catch (error) {
      status = (error as Error).name;
    }
    times[i].push(performance.now() - started);
    statuses[i][status] = (statuses[i][status] ?? 0) + 1;
  }
  return requests.map((r, i) => ({
    name: r.name,
    count: times[i].length,
    statuses: statuses[i],
    medianMs: round(quantile(times[i], 0.5), 1),
    maxMs: round(Math.max(...times[i], 0), 1),
  }));
}

async function phase(
  url: string,
  script: string,
  seconds: number,
  connections: number,
  hostile: boolean,
): Promise<{ sms: WrkResult; probes: ProbeResult; hostile?: HostileResult[] }> {
  const stop = { done: false };
  const probes = probeUntil(url, stop);
  const attacker = hostile ? hostileUntil(url, stop) : undefined;
  if (hostile) await sleep(500);
  const sms = await runWrk(url, script, seconds, connections);
  stop.done = true;
  return { sms, probes: await probes, ...(attacker ? { hostile: await attacker } : {}) };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

async function startService(dist: string, model: string, dir: string): Promise<{ child: ChildProcess; url: string }> {
  const main = join(dist, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} not found: run npm run build first, or pass --url`);
  if (!existsSync(model)) throw new Error(`${model} not found: pass --model ARTIFACT`);
  mkdirSync(join(dir, 'models'), { recursive: true });
  copyFileSync(model, join(dir, 'models', 'model.json'));
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      WEB_CONCURRENCY: '1',
      LOG_LEVEL: 'warn',
      PREDICTION_LOG_SAMPLE_RATE: '0',
      MODEL_DIR: join(dir, 'models'),
      MODEL_PATH: '',
      FEEDBACK_DB_PATH: join(dir, 'feedback.sqlite'),
      MLFLOW_TRACKING_URI: '',
      MLFLOW_LOCAL_REGISTRY_DIR: join(dir, 'registry'),
      MLFLOW_CHAMPION_CACHE_DIR: join(dir, 'champion'),
      RETRAIN_CRON: '',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, url };
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`${url} not ready within 120 s`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  exitOnHelp(argv, USAGE);
  const args = parseBenchArgs(argv, ['duration', 'connections', 'url', 'model', 'dist'], []);
  const seconds = integerArg(args, 'duration', 10, 2, 600);
  const connections = integerArg(args, 'connections', 8, 1, 1000);
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is needed (apt-get install wrk)');
  const dir = mkdtempSync(join(tmpdir(), 'hostile-load-'));
  let child: ChildProcess | undefined;
  try {
    let url = args.values.get('url');
    if (!url) {
      const dist = resolve(args.values.get('dist') ?? join(ROOT, 'dist'));
      const model = resolve(args.values.get('model') ?? join(ROOT, 'var', 'models', 'model.json'));
      progress(`starting ${dist}/src/main.js with ${model}`);
      ({ child, url } = await startService(dist, model, dir));
    }
    const script = wrkScript(dir);
    progress(`warm-up ${Math.min(seconds, 5)} s`);
    await runWrk(url, script, Math.min(seconds, 5), connections);
    progress(`quiet: ${connections} connections of small SMS for ${seconds} s`);
    const quiet = await phase(url, script, seconds, connections, false);
    progress(`hostile: the same load while one client loops over the worst emails and batches`);
    const hostile = await phase(url, script, seconds, connections, true);
    const ratio = hostile.sms.p99Ms / quiet.sms.p99Ms;
    const report = {
      machine: machine(),
      url,
      seconds,
      connections,
      quiet,
      hostile,
      p99Ratio: round(ratio, 2),
      goals: {
        p99AtMost3xQuiet: ratio <= 3,
        noProbeFailed: quiet.probes.failed === 0 && hostile.probes.failed === 0,
      },
    };
    if (args.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const line = (name: string, r: typeof quiet): string =>
        `${name.padEnd(8)} SMS p50 ${r.sms.p50Ms} ms  p99 ${r.sms.p99Ms} ms  ${r.sms.requestsPerSecond} req/s  ` +
        `non-2xx ${r.sms.non2xx}  probes ${r.probes.failed}/${r.probes.sent} failed (max ${r.probes.maxMs} ms)`;
      process.stdout.write(`${line('quiet', quiet)}\n${line('hostile', hostile)}\n`);
      for (const h of hostile.hostile ?? [])
        process.stdout.write(
          `  ${h.name}: ${h.count} sent, ${JSON.stringify(h.statuses)}, median ${h.medianMs} ms, max ${h.maxMs} ms\n`,
        );
      process.stdout.write(
        `p99 ratio ${report.p99Ratio} (goal ≤ 3): ${report.goals.p99AtMost3xQuiet ? 'met' : 'NOT met'}; ` +
          `probe failures: ${report.goals.noProbeFailed ? 'none' : 'some'}\n`,
      );
    }
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`hostile-load: ${(error as Error).message}\n`);
  process.exit(1);
});

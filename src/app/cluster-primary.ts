import cluster, { type Worker } from 'node:cluster';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../config/project-root';
import { ClusterReadinessBook, isWorkerModelMessage } from './cluster-readiness';

/**
 * The primary of a `node:cluster` only supervises: it loads neither the application, nor its configuration's
 * validators, nor a model (50 MB resident, where loading the application made it 183 MB). What it needs to know
 * comes from the first worker, which validates the environment and tells it where the model lives.
 */

/** The exit code of a start refused for its configuration (an invalid environment, Vault unusable): EX_CONFIG. */
export const EXIT_CONFIG = 78;

/** Sent by a worker once its environment is valid, before it builds the application. */
export interface EnvironmentValidMessage {
  readonly type: 'spam-classifier:environment-valid';
  readonly modelPath: string | undefined;
  readonly modelDir: string;
}

export const ENVIRONMENT_VALID: EnvironmentValidMessage['type'] = 'spam-classifier:environment-valid';

/**
 * V8 flags of the workers (docs/footprint.md). Flags given to `node` itself come after, so they win.
 * - `--max-semi-space-size=4`: a busy worker grows its young generation to 64 MB (two 32 MB semi-spaces); with
 *   4 MB semi-spaces it stays ~45 MB smaller under load for no measurable CPU per request.
 * - `--no-maglev-inlining`: Maglev (the mid-tier compiler) without inlining. Most of what a worker gains in its
 *   first seconds of load is the C heap kept after Maglev's concurrent compilations (their zones, freed but not
 *   returned); without inlining they are smaller: 2–9 MB less per worker after 10 s of load. Hot code is still
 *   inlined by TurboFan; CPU per request in the steady state is within the run-to-run noise. Without Maglev at all
 *   (`--no-maglev`) a worker is ~20 MB smaller, but it costs up to 10 % more CPU per request.
 */
export const WORKER_V8_FLAGS = ['--max-semi-space-size=4', '--no-maglev-inlining'];

/**
 * Environment of the workers, unless the operator set their own: glibc's mmap threshold fixed at its default
 * 128 KiB. Left dynamic, it rises to the size of the largest block freed (the model artifact's bytes, V8's
 * compiler zones), after which such blocks come from the heap arenas and stay resident once freed; fixed, they are
 * mapped and unmapped: 3–8 MB less per worker after load (docs/footprint.md). musl ignores it.
 */
export function workerEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const tuned =
    env.MALLOC_MMAP_THRESHOLD_ !== undefined || /glibc\.malloc\.mmap_threshold/.test(env.GLIBC_TUNABLES ?? '');
  return tuned ? {} : { MALLOC_MMAP_THRESHOLD_: '131072' };
}

/**
 * Set (to "0") in the environment of the workers forked together with the first one: every worker validates the
 * same environment, so only the first says what is wrong with it; the others exit 78 without repeating it.
 */
export const REPORTS_CONFIG_ERRORS = 'SPAM_CLASSIFIER_REPORTS_CONFIG_ERRORS';

/** Artifact files in a model folder, as ModelLoader lists them (temp files and dot files skipped). */
const ARTIFACT_FILE = /^[^.].*\.(json|model)$/;
const MODEL_POLL_MS = 200;

/**
 * WEB_CONCURRENCY read without validating it: a value that is not a plain number starts one server process, which
 * validates the environment and names the bad key.
 */
export function requestedWorkers(env: NodeJS.ProcessEnv): number {
  const raw = env.WEB_CONCURRENCY?.trim() ?? '';
  return /^\d+$/.test(raw) ? Number(raw) : 1;
}

/** True when the workers can load a model without training one (MODEL_PATH given, or an artifact in MODEL_DIR). */
export async function modelArtifactPresent(message: Pick<EnvironmentValidMessage, 'modelPath' | 'modelDir'>) {
  if (message.modelPath) return true;
  const files = await readdir(message.modelDir).catch(() => [] as string[]);
  return files.some((file) => ARTIFACT_FILE.test(file));
}

/**
 * Where the workers will look for a model, read from the raw environment the way the classifier's configuration
 * reads it (values trimmed, blank = unset, MODEL_DIR defaulting to var/models), so the primary needs none of the
 * validators. A guess only: the first worker validates and reports the real place.
 */
export function modelLocationFromEnvironment(
  env: NodeJS.ProcessEnv,
): Pick<EnvironmentValidMessage, 'modelPath' | 'modelDir'> {
  const modelPath = env.MODEL_PATH?.trim();
  const modelDir = env.MODEL_DIR?.trim();
  return {
    modelPath: modelPath ? resolve(modelPath) : undefined,
    modelDir: resolve(modelDir || join(projectRoot(), 'var', 'models')),
  };
}

function isEnvironmentValid(message: unknown): message is EnvironmentValidMessage {
  return (message as { type?: unknown } | null)?.type === ENVIRONMENT_VALID;
}

/** A worker that exits between the check and the send: its exit is handled by the 'exit' event. */
const ignoreClosedChannel = (): void => undefined;

function logLine(level: 'info' | 'error', msg: string): void {
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), pid: process.pid, context: 'Cluster', msg })}\n`);
}

/**
 * A later start (a model artifact already where the environment points) forks every worker at once, so they
 * validate, build and load in parallel. Otherwise one worker is forked first; once it reports a valid environment
 * the others follow at once when a model artifact exists, else once the first worker has trained the default model
 * into MODEL_DIR (so only one process trains). Readiness is the cluster's: the primary counts the workers whose
 * model is loaded and tells every worker the count (src/app/cluster-readiness.ts). A worker that dies is replaced;
 * one refused for its configuration (exit 78) stops the whole service with 78, so a bad environment is reported
 * once (by the first worker) and not retried forever: workers still validating are left to exit on their own, the
 * others are stopped. SIGTERM/SIGINT are passed on to every worker.
 */
export function runPrimary(workers: number): void {
  let stopping = false;
  let othersForked = false;
  /** Workers past the environment check (they said so): the ones a refused configuration stops. */
  const validated = new Set<number>();
  const readiness = new ClusterReadinessBook(workers);
  const environment = workerEnvironment(process.env);
  const fork = (reportsConfigErrors = true): Worker =>
    cluster.fork(reportsConfigErrors ? environment : { ...environment, [REPORTS_CONFIG_ERRORS]: '0' });
  const tellWorkers = (): void => {
    const message = readiness.message();
    for (const worker of Object.values(cluster.workers ?? {}))
      if (worker?.isConnected()) worker.send(message, undefined, ignoreClosedChannel);
  };
  const forkOthers = async (message: EnvironmentValidMessage): Promise<void> => {
    othersForked = true;
    if (!(await modelArtifactPresent(message))) {
      logLine('info', `no model in ${message.modelDir} yet: the first worker trains it, the others start after`);
      while (!stopping && !(await modelArtifactPresent(message))) await sleep(MODEL_POLL_MS);
    }
    for (let i = 1; i < workers && !stopping; i++) fork();
  };
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (isEnvironmentValid(message)) {
      validated.add(worker.id);
      if (stopping) worker.process.kill('SIGTERM');
      else if (!othersForked) void forkOthers(message);
    }
    if (isWorkerModelMessage(message) && readiness.report(worker.id, message)) tellWorkers();
  });
  cluster.on('exit', (worker, code, signal) => {
    if (readiness.exited(worker.id) && !stopping) tellWorkers();
    const left = Object.keys(cluster.workers ?? {}).length;
    if (stopping) {
      if (left === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    if (code === EXIT_CONFIG) {
      logLine('error', `worker ${worker.process.pid} refused the configuration: stopping`);
      process.exitCode = EXIT_CONFIG;
      // A worker still validating the same environment exits by itself (the first one saying why); one past the
      // check is stopped.
      stop('SIGTERM', (running) => validated.has(running.id));
      if (left === 0) process.exit(EXIT_CONFIG);
      return;
    }
    logLine('error', `worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  const stop = (signal: NodeJS.Signals, which: (worker: Worker) => boolean = () => true) => {
    if (stopping) return;
    stopping = true;
    const running = Object.values(cluster.workers ?? {});
    if (running.length === 0) process.exit(process.exitCode ?? 0);
    for (const worker of running) if (worker && which(worker)) worker.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  cluster.setupPrimary({ execArgv: [...WORKER_V8_FLAGS, ...process.execArgv] });
  void modelArtifactPresent(modelLocationFromEnvironment(process.env)).then((present) => {
    if (stopping) return;
    fork();
    if (!present) return;
    othersForked = true;
    for (let i = 1; i < workers; i++) fork(false);
  });
}

/**
 * The embedded feedback database as ONE separate process.
 *
 * Why: PGlite (PostgreSQL in WebAssembly) adds ~400 MB to the resident memory of the process that opens it, and a
 * PGlite data folder must be opened by one process only (two corrupt it). Opening it in every serving process broke
 * both the per-worker memory budget and, with `WEB_CONCURRENCY > 1`, the folder.
 *
 * Design: without `DATABASE_URL`, the single server process (or the node:cluster primary) starts
 * `embedded-database.process` before any Nest application starts. That child opens the folder (`FEEDBACK_DB_DIR`),
 * applies the migrations once, and serves it over the PostgreSQL wire protocol with `@electric-sql/pglite-socket`
 * on a unix socket in `<FEEDBACK_DB_DIR>.socket/` (mode 0700: no TCP port, no password, only this user). Its
 * multiplexer queues the clients' messages onto the one PGlite session and keeps the session with a client while
 * that client is inside a transaction. Every serving process then uses the ordinary node-postgres adapter
 * (`PostgresFeedbackStore`) with the URL published in `EMBEDDED_FEEDBACK_DB_URL`. The unix socket path is fixed by
 * the folder, so a restarted database answers on the same URL and the serving processes' pools reconnect alone.
 *
 * Failure: when the child exits unexpectedly this supervisor logs it and starts it again with exponential backoff;
 * meanwhile queries fail fast (the socket is gone) and `/health/ready` reports the `feedback-db` check down.
 * On shutdown the parent stops it after the applications closed (SIGTERM, then SIGKILL after a grace period); the
 * child also stops by itself when its parent disappears (IPC disconnect), so it never outlives the service.
 *
 * With `DATABASE_URL` none of this runs. Tests and tools that own a folder alone keep `PgliteFeedbackStore`.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { trainingConfigFrom } from '../training/config/training.config';
import { EMBEDDED_DB_DIR_ENV, embeddedDatabaseUrl, type EmbeddedDatabaseMessage } from './embedded-database-server';
import { moduleExtension, typescriptBootstrap } from '../engine/runtime/typescript-entry';

/** Environment variable through which serving processes learn the embedded database's URL. */
export const EMBEDDED_DB_URL_ENV = 'EMBEDDED_FEEDBACK_DB_URL';

export type EmbeddedDatabaseLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: object) => void;

export interface EmbeddedDatabaseOptions {
  /** The PGlite data folder (FEEDBACK_DB_DIR). */
  readonly dataDir: string;
  readonly log?: EmbeddedDatabaseLog;
  /** How long one start may take (the first one runs initdb: a few seconds). Default 120 s. */
  readonly startTimeoutMs?: number;
  /** Restart backoff after a crash: first delay, doubled per failed attempt up to the maximum. Default 500 ms / 30 s. */
  readonly restartDelayMs?: number;
  readonly maxRestartDelayMs?: number;
  /** SIGTERM grace before SIGKILL on stop. Default 10 s. */
  readonly stopTimeoutMs?: number;
}

const defaultLog: EmbeddedDatabaseLog = (level, msg, fields = {}) =>
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), context: 'EmbeddedDatabase', msg, ...fields })}\n`);

/**
 * Node arguments that run a module of this project in a new process: the compiled `.js` as is, a `.ts` source (Jest)
 * through a require hook compiling with @swc/core, as the training worker does.
 */
export function nodeArgumentsFor(entry: string): string[] {
  return entry.endsWith('.ts') ? ['-e', typescriptBootstrap(JSON.stringify(entry))] : [entry];
}

const PROCESS_ENTRY = join(__dirname, `embedded-database.process${moduleExtension()}`);

/** Starts, watches, restarts and stops the embedded database process. */
export class EmbeddedDatabase {
  readonly url: string;
  private child: ChildProcess | undefined;
  private stopping = false;
  private attempt = 0;
  private restartTimer: AbortController | undefined;
  private readonly log: EmbeddedDatabaseLog;
  /** Resolves when the current child announced it is ready; for tests and callers waiting after a restart. */
  private readyWaiters: Array<() => void> = [];
  /** How many times the process was started (1 after `start()`, +1 per restart). */
  starts = 0;

  constructor(private readonly options: EmbeddedDatabaseOptions) {
    this.url = embeddedDatabaseUrl(options.dataDir);
    this.log = options.log ?? defaultLog;
  }

  /** The child's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  get up(): boolean {
    return this.ready;
  }

  private ready = false;
  private served = false;

  /** Starts the process and waits until it serves; rejects (after stopping it) when it cannot start. */
  async start(): Promise<string> {
    if (this.child) throw new Error('the embedded feedback database is already started');
    this.stopping = false;
    try {
      await this.spawnOnce();
    } catch (error) {
      this.child = undefined;
      throw error;
    }
    return this.url;
  }

  /** Resolves once the process serves (immediately when it does now). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Stops the process (SIGTERM, SIGKILL after the grace period) and cancels a pending restart. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.restartTimer?.abort();
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const grace = sleep(this.options.stopTimeoutMs ?? 10_000, 'timeout' as const, { ref: false });
    if ((await Promise.race([exited.then(() => 'exited' as const), grace])) === 'timeout') {
      this.log('warn', 'embedded feedback database did not stop in time: killing it', { pid: child.pid });
      child.kill('SIGKILL');
      await exited;
    }
  }

  private spawnOnce(): Promise<void> {
    const env = { ...process.env, [EMBEDDED_DB_DIR_ENV]: this.options.dataDir };
    const args = nodeArgumentsFor(PROCESS_ENTRY);
    const child =
      args[0] === '-e'
        ? spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
        : fork(PROCESS_ENTRY, [], {
            env,
            execArgv: [],
            detached: true,
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          });
    this.child = child;
    this.starts += 1;
    return new Promise<void>((resolve, reject) => {
      let announced = false;
      const timer = setTimeout(() => {
        if (announced) return;
        announced = true;
        child.kill('SIGKILL');
        reject(new Error(`the embedded feedback database did not start within ${this.startTimeout()} ms`));
      }, this.startTimeout());
      child.on('message', (message: EmbeddedDatabaseMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.ready = true;
          this.served = true;
          this.attempt = 0;
          for (const waiter of this.readyWaiters.splice(0)) waiter();
          this.log('info', 'embedded feedback database ready', { pid: message.pid, url: this.url });
          if (!announced) {
            announced = true;
            resolve();
          }
        } else if (message.type === 'failed' && !announced) {
          announced = true;
          clearTimeout(timer);
          reject(new Error(`the embedded feedback database could not start: ${message.message}`));
        }
      });
      child.on('error', (error) => {
        if (announced) return;
        announced = true;
        clearTimeout(timer);
        reject(new Error(`the embedded feedback database could not start: ${error.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.ready = false;
        if (!announced) {
          announced = true;
          reject(new Error(`the embedded feedback database exited during start (${signal ?? `code ${code}`})`));
        }
        // Restarts begin once a first start succeeded; a service whose store never started stops with that error.
        if (this.served && !this.stopping && this.child === child) this.scheduleRestart(code, signal);
      });
    });
  }

  private scheduleRestart(code: number | null, signal: NodeJS.Signals | null): void {
    const first = this.options.restartDelayMs ?? 500;
    const delay = Math.min(first * 2 ** this.attempt, this.options.maxRestartDelayMs ?? 30_000);
    this.attempt += 1;
    this.log(
      'error',
      `embedded feedback database exited unexpectedly (${signal ?? `code ${code}`}): feedback is unavailable; ` +
        `restarting in ${delay} ms (attempt ${this.attempt})`,
      { data_dir: this.options.dataDir },
    );
    const timer = new AbortController();
    this.restartTimer = timer;
    void sleep(delay, undefined, { signal: timer.signal, ref: false })
      .then(() => {
        if (this.stopping) return;
        // A failed attempt's exit schedules the next one.
        return this.spawnOnce().catch((error: Error) =>
          this.log('error', error.message, { data_dir: this.options.dataDir }),
        );
      })
      .catch(() => undefined);
  }

  private startTimeout(): number {
    return this.options.startTimeoutMs ?? 120_000;
  }
}

/**
 * For `main.ts`: without a PostgreSQL server (`hasDatabaseUrl`) and unless a parent already started one, starts the
 * embedded database process for FEEDBACK_DB_DIR and publishes its URL in `env` (node:cluster workers forked later
 * inherit it). Returns the supervisor to stop after the applications closed, or undefined when nothing was started.
 */
export async function startEmbeddedDatabaseIfNeeded(
  env: NodeJS.ProcessEnv,
  hasDatabaseUrl: boolean,
  options: Omit<EmbeddedDatabaseOptions, 'dataDir'> = {},
): Promise<EmbeddedDatabase | undefined> {
  if (hasDatabaseUrl || env[EMBEDDED_DB_URL_ENV]) return undefined;
  const database = new EmbeddedDatabase({ ...options, dataDir: trainingConfigFrom(env).feedbackDbDir });
  env[EMBEDDED_DB_URL_ENV] = await database.start();
  return database;
}

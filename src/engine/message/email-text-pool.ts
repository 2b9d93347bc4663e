import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RUNNING_FROM_SOURCES, typescriptBootstrap } from '../runtime/typescript-entry';
import type { EmailTextOptions } from './email-text';
import { EMAIL_TEXT_WORKER, type EmailTextReply, type EmailTextTask } from './email-text-worker';

export interface EmailTextPoolOptions {
  /** Threads extracting at once (default 1), each started on first need. */
  readonly threads?: number;
  /** An extraction still running after this long fails, and its thread is replaced (default 5,000 ms). */
  readonly taskTimeoutMs?: number;
  /** Heap limit of each thread (default 128 MB): a message that needs more fails instead of the process. */
  readonly maxHeapMb?: number;
}

interface Job {
  readonly task: EmailTextTask;
  readonly resolve: (text: string) => void;
  readonly reject: (error: Error) => void;
}

const TS_BOOTSTRAP = typescriptBootstrap('workerData.entry');

/**
 * `emailToText` in worker threads, so that MIME parsing and HTML conversion of large messages never hold the event
 * loop that answers requests and probes. Messages wait in order for a free thread. A thread that fails, runs out of
 * heap or overruns `taskTimeoutMs` is ended and replaced; its message's promise rejects. Idle threads do not keep
 * the process alive.
 */
export class EmailTextPool {
  private readonly threads: number;
  private readonly taskTimeoutMs: number;
  private readonly maxHeapMb: number;
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: EmailTextPoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? 1);
    this.taskTimeoutMs = options.taskTimeoutMs ?? 5_000;
    this.maxHeapMb = options.maxHeapMb ?? 128;
  }

  extract(raw: string, options: EmailTextOptions = {}): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the email extraction pool is closed'));
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ task: { id: this.nextId++, raw, options }, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every thread; messages still waiting or running reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the email extraction pool is closed'));
    const running = [...this.workers];
    this.workers.clear();
    this.idle.length = 0;
    await Promise.all(running.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.size < this.threads ? this.startWorker() : undefined);
      if (!worker) return;
      this.run(worker, this.queue.shift() as Job);
    }
  }

  private startWorker(): Worker {
    const entry = join(__dirname, `email-text-worker${RUNNING_FROM_SOURCES ? '.ts' : '.js'}`);
    const workerData = { role: EMAIL_TEXT_WORKER, entry };
    const resourceLimits = { maxOldGenerationSizeMb: this.maxHeapMb };
    const worker = RUNNING_FROM_SOURCES
      ? new Worker(TS_BOOTSTRAP, { eval: true, workerData, resourceLimits })
      : new Worker(entry, { workerData, resourceLimits });
    worker.unref();
    this.workers.add(worker);
    return worker;
  }

  private run(worker: Worker, job: Job): void {
    let done = false;
    const finish = (outcome: { text: string } | { error: Error; broken: boolean }): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if ('text' in outcome) job.resolve(outcome.text);
      else job.reject(outcome.error);
      if ('error' in outcome && outcome.broken) {
        this.workers.delete(worker);
        void worker.terminate();
      } else if (this.workers.has(worker)) {
        this.idle.push(worker);
      }
      if (!this.closed) this.dispatch();
    };
    const onMessage = (reply: EmailTextReply): void => {
      if (reply.id !== job.task.id) return;
      finish(reply.ok ? { text: reply.text } : { error: new Error(reply.message), broken: false });
    };
    const onError = (error: Error): void => finish({ error, broken: true });
    const onExit = (code: number): void =>
      finish({ error: new Error(`the email extraction thread exited with code ${code}`), broken: true });
    const timer = setTimeout(
      () => finish({ error: new Error(`email extraction took longer than ${this.taskTimeoutMs} ms`), broken: true }),
      this.taskTimeoutMs,
    );
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage(job.task);
  }
}

import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { moduleExtension, typescriptBootstrap } from '../engine/runtime';
import type { RetrainTask, RetrainTaskResult } from './retrain-task.types';
import { TrainingRunError, TrainingRunner, type RunHooks, type RunnerOutcome } from './training-runner';
import type { TrainingWorkerData, WorkerMessage } from './training-worker';

/** From TypeScript sources (Jest) the worker compiles `.ts` first; from dist/ it runs the compiled entry. */
const TS_BOOTSTRAP = typescriptBootstrap('workerData.entry');

/** The module a worker runs by default: the real retraining task (corpora + feedback → trainModel). */
export const DEFAULT_TASK_MODULE = join(__dirname, `retrain-task${moduleExtension()}`);

/**
 * Trains in a `node:worker_threads` Worker so the serving event loop stays free (the machine's other core does the
 * work). The worker is terminated on abort (timeout, shutdown); a crash or an exception becomes a failed run.
 */
export class WorkerThreadTrainingRunner extends TrainingRunner {
  readonly mode = 'worker' as const;
  private readonly logger = new Logger(WorkerThreadTrainingRunner.name);

  constructor(private readonly taskModule: string = DEFAULT_TASK_MODULE) {
    super();
  }

  run(task: RetrainTask, hooks: RunHooks): Promise<RunnerOutcome> {
    const entry = join(__dirname, `training-worker${moduleExtension()}`);
    const workerData: TrainingWorkerData & { entry: string } = {
      task,
      taskModule: this.taskModule,
      entry,
      ...(hooks.publishTo ? { publishTo: hooks.publishTo } : {}),
    };
    const worker =
      moduleExtension() === '.ts'
        ? new Worker(TS_BOOTSTRAP, { eval: true, workerData, stdout: false, stderr: false })
        : new Worker(entry, { workerData, stdout: false, stderr: false });
    return new Promise<RunnerOutcome>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: RunnerOutcome | Error): void => {
        if (settled) return;
        settled = true;
        hooks.signal.removeEventListener('abort', onAbort);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
        void worker.terminate();
      };
      const onAbort = (): void => {
        const reason =
          hooks.signal.reason instanceof Error ? hooks.signal.reason.message : String(hooks.signal.reason ?? 'aborted');
        finish(new TrainingRunError(`training worker stopped: ${reason}`));
      };
      if (hooks.signal.aborted) return onAbort();
      hooks.signal.addEventListener('abort', onAbort);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'progress') hooks.onProgress(message.progress, message.stage);
        else if (message.type === 'done') finish({ kind: 'trained', result: message.result as RetrainTaskResult });
        else finish(new TrainingRunError(message.message));
      });
      worker.on('error', (error) => {
        this.logger.warn(`training worker crashed: ${error.message}`);
        finish(new TrainingRunError(`training worker crashed: ${error.message}`));
      });
      worker.on('exit', (code) =>
        finish(new TrainingRunError(`training worker exited with code ${code} before reporting a result`)),
      );
    });
  }
}

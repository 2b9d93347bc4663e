import type { ProgressListener, RetrainTask, RetrainTaskResult } from './retrain-task.types';
import type { WorkerRunLogging } from './run-logging';

export interface RunHooks {
  readonly onProgress: ProgressListener;
  /** Aborted on timeout or shutdown: the runner stops the work (terminates the worker, deletes the Job). */
  readonly signal: AbortSignal;
  /**
   * Where to log and register the run once trained, for a runner that can do it beside the training (the worker
   * thread: chart rendering and uploads stay off the serving event loop). Holds credentials: never log it.
   */
  readonly logging?: WorkerRunLogging;
}

/**
 * Outcome of a run. In-process runs return the trained model for the leader to log, gate and publish; a Job's
 * CLI logs and gates itself (`--register --promote`), so the leader only learns that it finished.
 */
export type RunnerOutcome =
  | { readonly kind: 'trained'; readonly result: RetrainTaskResult }
  | {
      readonly kind: 'published-by-job';
      readonly jobName: string;
      readonly namespace: string;
      readonly durationMs: number;
    };

/** Port: where a retraining run executes (a worker thread, or a Kubernetes Job). */
export abstract class TrainingRunner {
  abstract readonly mode: 'worker' | 'job';
  abstract run(task: RetrainTask, hooks: RunHooks): Promise<RunnerOutcome>;
}

/** A run that failed with a reason fit to show to the caller (no stack trace). */
export class TrainingRunError extends Error {
  override readonly name = 'TrainingRunError';
}

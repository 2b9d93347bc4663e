import type { ProgressListener, RetrainTask, RetrainTaskResult } from './retrain-task.types';

export interface RunHooks {
  readonly onProgress: ProgressListener;
  /** Aborted on timeout or shutdown: the runner stops the work (terminates the worker, deletes the Job). */
  readonly signal: AbortSignal;
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

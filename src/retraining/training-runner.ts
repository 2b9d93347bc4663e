import type { ProgressListener, RetrainTask, RetrainTaskResult } from './retrain-task.types';
import type { PublishTarget } from '../mlflow/publish-run';

export interface RunHooks {
  readonly onProgress: ProgressListener;
  /** Aborted on timeout or shutdown: the runner stops the work (terminates the worker, deletes the Job). */
  readonly signal: AbortSignal;
  /**
   * Where to publish the run once trained, for a runner that can do it beside the training (the worker thread:
   * chart rendering, uploads and the gate stay off the serving event loop). Holds credentials: never log it.
   */
  readonly publishTo?: PublishTarget;
}

/**
 * Outcome of a run. A worker thread returns the trained model (published already when `publishTo` was given) for the
 * leader to publish and serve; a Job's CLI publishes itself (`--register --promote`), so the leader only learns that
 * it finished.
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

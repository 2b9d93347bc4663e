import type { EvaluationFigures } from '../mlflow/run-logger';
import type { WorkerLoggedRun } from './run-logging';

/**
 * What one retraining run computes, as plain data: it crosses a worker-thread boundary (structured clone) and is
 * what a Kubernetes Job's CLI reports, so it holds no functions or class instances.
 */
export interface FeedbackRow {
  readonly text: string;
  /** 1 = spam, 0 = not spam (the engine's convention). */
  readonly label: 0 | 1;
  readonly contentHash: string;
}

export interface RetrainTask {
  readonly runId: string;
  /** Base corpora folder (SPAM_DATA_DIR). */
  readonly dataDir: string;
  /** This run's own folder for the artifact and reports. */
  readonly outDir: string;
  /** Feedback trained on, with `feedbackWeight` each; their texts replace the same texts' corpus labels. */
  readonly feedbackTrain: readonly FeedbackRow[];
  /** Feedback held out (by content hash) and evaluated on as the set `feedback_holdout`. */
  readonly feedbackHoldout: readonly FeedbackRow[];
  readonly feedbackWeight: number;
  /** Which corpora: `sms`, `email`, `all` or a labelled file (RETRAIN_DATA). */
  readonly data: string;
  /** A fixed algorithm or `best` (RETRAIN_ALGORITHM). */
  readonly algorithm: string;
  /** Cross-validation folds for the logged CV figures (RETRAIN_CV_FOLDS; 0 = none). */
  readonly cvFolds: number;
  /** ISO instant of the feedback snapshot: a Job reading the database itself takes labels given before it. */
  readonly feedbackCutoff?: string;
}

/** One evaluation set's figures: the fields `logTrainingRun` and the quality gate read. */
export type { EvaluationFigures };

export interface RetrainTaskResult {
  readonly artifactPath: string;
  /** The artifact's `metadata.version`. */
  readonly artifactVersion: string;
  readonly algorithm: string;
  /** Per evaluation set: the corpora's fixed held-out sets and `feedback_holdout` when there is one. */
  readonly evaluation: Readonly<Record<string, EvaluationFigures>>;
  readonly primaryEvaluation?: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly cvFolds?: ReadonlyArray<Readonly<Record<string, number | null>>>;
  readonly durationMs: number;
  readonly reportDir?: string;
  readonly trainingRows: number;
  readonly feedbackRows: number;
  /** Set when the worker also logged and registered the run (`RunHooks.logging`); the service then only gates. */
  readonly logged?: WorkerLoggedRun;
}

export type ProgressListener = (progress: number, stage: string) => void;

/** The function a worker thread (or the in-process runner) calls. */
export type RetrainTaskFunction = (task: RetrainTask, onProgress: ProgressListener) => Promise<RetrainTaskResult>;

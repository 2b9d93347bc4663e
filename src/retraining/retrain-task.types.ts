import type { Publication } from '../mlflow/publish-run';
import type { TrainedRun } from '../training/publish-input';

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

/**
 * The trained run (artifact path, figures per evaluation set — the corpora's fixed held-out sets and
 * `feedback_holdout` when there is one —, CV figures, report folder, params) and the retrain's own figures.
 */
export interface RetrainTaskResult extends TrainedRun {
  /** The artifact's `metadata.version`. */
  readonly artifactVersion: string;
  readonly algorithm: string;
  readonly primaryEvaluation?: string;
  readonly trainingRows: number;
  readonly feedbackRows: number;
  /** Set when the worker also published the run (`RunHooks.publishTo`); the service then only swaps it in. */
  readonly published?: WorkerPublication;
}

/** A retrain's publication, plus the sha256 of the artifact that was registered (only those bytes may be served). */
export interface RetrainPublication extends Publication {
  readonly artifactChecksum: string;
}

/** What the training worker reports back after publishing: plain data, with the log lines for the service to log. */
export interface WorkerPublication extends RetrainPublication {
  readonly messages: ReadonlyArray<{ readonly level: 'log' | 'warn'; readonly text: string }>;
  /** Wall time of reading, chart rendering, logging and gating in the worker. */
  readonly durationMs: number;
}

export type ProgressListener = (progress: number, stage: string) => void;

/** The function a worker thread (or the in-process runner) calls. */
export type RetrainTaskFunction = (task: RetrainTask, onProgress: ProgressListener) => Promise<RetrainTaskResult>;

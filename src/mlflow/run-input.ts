import type { ModelArtifact } from '../engine';

/** One evaluation set's figures, as the run logger and the quality gate read them (the trainer's metrics fit). */
export interface EvaluationFigures {
  readonly n?: number;
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly mcc: number;
  readonly rocAuc: number | null;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  /** The decision threshold the figures were counted at (the model's operating point), when recorded. */
  readonly threshold?: number;
}

/** What a trained run hands to the registry to be logged, registered and gated. Built by the training side. */
export interface TrainingRunInput {
  /** The artifact file's bytes, uploaded unchanged as `model/model.json`. */
  readonly artifactBytes: Buffer | string;
  /** The same artifact, parsed and verified (its metadata and checksum are what the registry reads). */
  readonly artifact: Pick<ModelArtifact, 'metadata' | 'checksum'>;
  /** Logged as params (nested objects become dotted keys, arrays JSON): algorithm, max_features, ngram_range, seed, hyperparameters, data sizes… */
  readonly params: Readonly<Record<string, unknown>>;
  /** Figures per evaluation set; the first (or `primaryEvaluation`) is also logged without prefix. */
  readonly evaluation: Readonly<Record<string, EvaluationFigures>>;
  readonly primaryEvaluation?: string;
  /** Cross-validation figures per fold, logged as steps (`cv_f1_score` at step 0, 1, …), and their means. */
  readonly cvFolds?: ReadonlyArray<Readonly<Record<string, number | null>>>;
  /** Out-of-fold figures over all training rows, logged as `cv_oof_<name>`. */
  readonly cvSummary?: Readonly<Record<string, number | null>>;
  readonly durationMs: number;
  /** Charts and reports to upload under `reports/` (file name → bytes), e.g. confusion matrix and ROC PNGs. */
  readonly reportFiles?: Readonly<Record<string, Buffer | string>>;
  readonly trainingStats?: unknown;
  readonly runName?: string;
}

import { SecretsService } from '../config/secrets.service';
import { feedbackConfigFrom } from '../feedback/config/feedback.config';
import { retrainingConfigFrom } from './config/retraining.config';
import { resolveDataDir } from '../training/datasets/data-dir';
import type { FeedbackStore } from '../feedback/feedback.store';
import { feedbackLabelToClass } from '../feedback/feedback.types';
import { createFeedbackStore } from '../feedback/feedback-store.factory';
import { runRetrainTask } from './retrain-task';
import type { ProgressListener, RetrainTaskResult } from './retrain-task.types';
import { splitFeedback } from './retraining.service';

/**
 * The feedback store the service would use with this environment: PostgreSQL with DATABASE_URL, else the SQLite
 * file (which a running service may have open too). `secrets`: where DATABASE_URL comes from when Vault supplies it
 * (default: the environment).
 */
export async function openFeedbackStoreFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  secrets: SecretsService = new SecretsService(env),
): Promise<FeedbackStore> {
  const { store } = createFeedbackStore(feedbackConfigFrom(env), secrets);
  await store.open();
  return store;
}

export interface DatabaseRetrainOptions {
  readonly runId: string;
  readonly outDir: string;
  /** Only labels given before this instant (the leader's snapshot time, `--feedback-until`). */
  readonly feedbackUntil?: Date;
  /** Overrides of the environment's FEEDBACK_WEIGHT / FEEDBACK_HOLDOUT_FRACTION / RETRAIN_* settings. */
  readonly feedbackWeight?: number;
  readonly feedbackHoldoutFraction?: number;
  readonly data?: string;
  readonly algorithm?: string;
  readonly cvFolds?: number;
  readonly dataDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly onProgress?: ProgressListener;
  /** An already open store to read from (the caller closes it); default: opened from `env` and closed here. */
  readonly store?: FeedbackStore;
}

/** The run's result plus how the feedback snapshot was split (the figures an in-process run records too). */
export interface DatabaseRetrainResult extends RetrainTaskResult {
  readonly feedbackTrainRows: number;
  readonly feedbackHoldoutRows: number;
  /** The instant the snapshot was read (labels given up to `feedbackUntil`, or up to then). */
  readonly feedbackCutoff: string;
}

/**
 * What a training Job (TRAINING_MODE=job) runs: the same retraining as the in-process worker, reading the
 * feedback itself from the shared database. For the training CLI's `--feedback-from-database` flag; the CLI then
 * logs and promotes the result as for any run.
 */
export async function retrainFromDatabase(options: DatabaseRetrainOptions): Promise<DatabaseRetrainResult> {
  const env = options.env ?? process.env;
  const config = retrainingConfigFrom(env);
  const store = options.store ?? (await openFeedbackStoreFromEnvironment(env));
  try {
    const snapshot = await store.snapshot(options.feedbackUntil);
    const rows = snapshot.rows.map((r) => ({
      text: r.text,
      label: feedbackLabelToClass(r.label),
      contentHash: r.contentHash,
    }));
    const { train, holdout } = splitFeedback(rows, options.feedbackHoldoutFraction ?? config.feedbackHoldoutFraction);
    const result = await runRetrainTask(
      {
        runId: options.runId,
        dataDir: options.dataDir ?? resolveDataDir(undefined, env),
        outDir: options.outDir,
        feedbackTrain: train,
        feedbackHoldout: holdout,
        feedbackWeight: options.feedbackWeight ?? config.feedbackWeight,
        data: options.data ?? config.retrainData,
        algorithm: options.algorithm ?? config.retrainAlgorithm,
        cvFolds: options.cvFolds ?? config.retrainCvFolds,
      },
      options.onProgress ?? (() => undefined),
    );
    return {
      ...result,
      feedbackTrainRows: train.length,
      feedbackHoldoutRows: holdout.length,
      feedbackCutoff: snapshot.takenAt.toISOString(),
    };
  } finally {
    if (!options.store) await store.close();
  }
}

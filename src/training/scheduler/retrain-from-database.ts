import { SecretsService } from '../../vault/secrets.service';
import { trainingConfigFrom } from '../config/training.config';
import { resolveDataDir } from '../datasets/data-dir';
import type { FeedbackStore } from '../feedback/feedback.store';
import { feedbackLabelToClass } from '../feedback/feedback.types';
import { PgliteFeedbackStore } from '../feedback/pglite-feedback.store';
import { PostgresFeedbackStore } from '../feedback/postgres-feedback.store';
import { runRetrainTask } from './retrain-task';
import type { ProgressListener, RetrainTaskResult } from './retrain-task.types';
import { splitFeedback } from './retraining.service';

/** The feedback store the service would use with this environment: PostgreSQL with DATABASE_URL, else PGlite. */
export async function openFeedbackStoreFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<FeedbackStore> {
  const secrets = new SecretsService(env);
  const store = secrets.get('DATABASE_URL')
    ? new PostgresFeedbackStore(secrets, { max: 2 })
    : new PgliteFeedbackStore(trainingConfigFrom(env).feedbackDbDir);
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
}

/**
 * What a training Job (TRAINING_MODE=job) runs: the same retraining as the in-process worker, reading the
 * feedback itself from the shared database. For the training CLI's `--feedback-from-database` flag; the CLI then
 * logs and promotes the result as for any run.
 */
export async function retrainFromDatabase(options: DatabaseRetrainOptions): Promise<RetrainTaskResult> {
  const env = options.env ?? process.env;
  const config = trainingConfigFrom(env);
  const store = await openFeedbackStoreFromEnvironment(env);
  try {
    const snapshot = await store.snapshot(options.feedbackUntil);
    const rows = snapshot.rows.map((r) => ({
      text: r.text,
      label: feedbackLabelToClass(r.label),
      contentHash: r.contentHash,
    }));
    const { train, holdout } = splitFeedback(rows, options.feedbackHoldoutFraction ?? config.feedbackHoldoutFraction);
    return await runRetrainTask(
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
  } finally {
    await store.close();
  }
}

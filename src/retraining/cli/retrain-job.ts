import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidEnvironmentError } from '../../config/read-environment';
import { feedbackConfigFrom, type FeedbackConfig } from '../../feedback/config/feedback.config';
import { retrainingConfigFrom, type RetrainingConfig } from '../config/retraining.config';
import { resolveDataDir } from '../../training/datasets/data-dir';
import { DatasetError } from '../../training/datasets/dataset-error';
import type { FeedbackStore } from '../../feedback/feedback.store';
import { feedbackLabelToClass, type TrainingRunRecord } from '../../feedback/feedback.types';
import { createFeedbackStore } from '../../feedback/feedback-store.factory';
import { classifierConfigFrom } from '../../classifier/config/classifier.config';
import { mlflowConfigFrom } from '../../mlflow/config/mlflow.config';
import { runPublisherFromConfig } from '../../mlflow/publish-run';
import { keepPromotedModel, publicationResult, publishRetrain, type PublicationResult } from '../publish-retrain';
import { runRetrainTask } from '../retrain-task';
import type { ProgressListener, RetrainTaskResult } from '../retrain-task.types';
import { newRunId, splitFeedback } from '../retraining.service';
import { loadSecretsBeforeBootstrap } from '../../vault/load-secrets';
import { redactSecretValues } from '../../config/redaction';
import { SecretsService } from '../../config/secrets.service';
import {
  type CliIo,
  EXIT_DATA,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  firstLine,
  UsageError,
} from '../../training/cli/cli-io';
import type { FeedbackFromDatabase } from '../../training/cli/train-command';

/** The options of `train` that `--feedback-from-database` reads (a subset of the CLI's options). */
export interface DatabaseRetrainCliOptions {
  readonly runId?: string;
  readonly feedbackUntil?: Date;
  readonly feedbackHoldoutFraction?: number;
  readonly feedbackWeight: number;
  readonly algorithm: string;
  readonly data: string;
  readonly dataDir?: string;
  readonly out?: string;
  readonly folds: number;
  readonly progress: boolean;
  readonly register: boolean;
  readonly promote: boolean;
}

/** Publishes a retrained model: `publishRetrainFromEnvironment` in the real CLI. */
export type PublishRetrain = (
  runId: string,
  result: DatabaseRetrainResult,
  io: CliIo,
  secrets: SecretsService,
) => Promise<PublicationResult>;

/**
 * Options of the training CLI that a retrain does not use: it trains with RETRAIN_ALGORITHM's fixed configuration
 * like an in-process run, so these would be silently ignored.
 */
const NOT_FOR_RETRAIN: ReadonlyArray<readonly [key: string, flag: string]> = [
  ['feedback', '--feedback <file>'],
  ['seed', '--seed <n>'],
  ['maxFeatures', '--max-features <n>'],
  ['ngram', '--ngram <min,max>'],
  ['charNgram', '--char-ngram <min,max>'],
  ['analyzer', '--analyzer <kind>'],
  ['sublinear', '--no-sublinear'],
  ['C', '--C <c>'],
  ['alpha', '--alpha <a>'],
  ['classWeight', '--class-weight <w>'],
  ['trees', '--trees <n>'],
  ['maxChars', '--max-chars <n>'],
];

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

/**
 * `--feedback-from-database --promote`: the retrain is published through the registry built from the environment
 * as the service builds it (MLFLOW_TRACKING_URI, or the local registry). A Job only publishes: the serving replicas
 * follow the champion alias. Without MLflow a promoted model is also kept in MODEL_DIR, as the service would.
 */
export const publishRetrainFromEnvironment: PublishRetrain = async (runId, result, io, secrets) => {
  const publisher = runPublisherFromConfig(mlflowConfigFrom(io.env), secrets, {
    log: (message) => io.stderr(`${message}\n`),
    warn: (message) => io.stderr(`warning: ${message}\n`),
  });
  const started = performance.now();
  const published = await publishRetrain(runId, result, publisher);
  const publication = publicationResult(published, undefined, { publish: Math.round(performance.now() - started) });
  if (publication.promoted && publication.registeredVersion && publisher.store.kind === 'local') {
    const { modelDir } = classifierConfigFrom(io.env);
    await keepPromotedModel(modelDir, await readFile(result.artifactPath), publication.registeredVersion).catch(
      (error: Error) => io.stderr(`warning: promoted model not copied to ${modelDir}: ${error.message}\n`),
    );
  }
  const version = publication.registeredVersion ? `, version ${publication.registeredVersion}` : '';
  io.stderr(
    `tracked: ${publication.trackingStore} run ${publication.trackingRunId}${publication.synced ? '' : ' (not synced)'}${version}, ${publication.decision} (${publication.reason})\n`,
  );
  return publication;
};

/** What the run table's `result` holds for a retrain: the same fields as an in-process run records. */
export function runResultRecord(
  result: DatabaseRetrainResult,
  publication: PublicationResult | undefined,
): Record<string, unknown> {
  return {
    ...publication,
    artifactVersion: result.artifactVersion,
    algorithm: result.algorithm,
    evaluation: result.evaluation,
    trainingRows: result.trainingRows,
    feedbackTrainRows: result.feedbackTrainRows,
    feedbackHoldoutRows: result.feedbackHoldoutRows,
    durationMs: result.durationMs,
  };
}

/**
 * `train --feedback-from-database`: what a training Job (TRAINING_MODE=job) runs. Reads the feedback labelled before
 * `--feedback-until` from the feedback store of this environment (PostgreSQL with DATABASE_URL, else the SQLite file
 * at FEEDBACK_DB_PATH), retrains like the leader's worker would (`retrainFromDatabase`), and with `--promote` logs,
 * registers and gates the model through the scheduler's publisher. The leader learns the outcome from the exit code
 * (0 = the run succeeded, whatever the gate decided; anything else = failed); the run's figures go to the run table
 * row of `--run-id` when the leader created one, and as one JSON line on stdout.
 */
export async function runDatabaseRetrain(
  options: DatabaseRetrainCliOptions,
  given: (key: string) => boolean,
  io: CliIo,
  publish?: PublishRetrain,
): Promise<number> {
  let config: RetrainingConfig & FeedbackConfig;
  try {
    for (const [key, flag] of NOT_FOR_RETRAIN) {
      if (given(key)) {
        throw new UsageError(
          `option '${flag}' does not apply with --feedback-from-database (a retrain trains like a scheduled one)`,
        );
      }
    }
    if (options.register && !options.promote) {
      throw new UsageError(
        `option '--register' needs '--promote' with --feedback-from-database: a retrain is logged, registered and gated like a scheduled one`,
      );
    }
    if (options.promote && !publish) throw new UsageError(`option '--promote' is not available in this build`);
    config = { ...retrainingConfigFrom(io.env), ...feedbackConfigFrom(io.env) };
  } catch (error) {
    const message = error instanceof InvalidEnvironmentError ? error.problems.join('; ') : firstLine(error as Error);
    io.stderr(`error: ${message}\n`);
    return EXIT_USAGE;
  }

  const runId = options.runId ?? newRunId();
  let secrets: SecretsService;
  try {
    secrets = await secretsOf(io.env);
  } catch (error) {
    return failed(io, runId, `could not load the secrets: ${firstLine(error)}`, EXIT_FAILURE);
  }
  let store: FeedbackStore;
  try {
    store = await openFeedbackStoreFromEnvironment(io.env, secrets);
  } catch (error) {
    const reason = redactSecretValues(firstLine(error), secrets);
    return failed(io, runId, `could not open the feedback store: ${reason}`, EXIT_FAILURE);
  }
  let run: TrainingRunRecord | undefined;
  const record = async (result: Record<string, unknown>): Promise<void> => {
    if (!run) return;
    await store
      .updateRun(runId, { result })
      .catch((error: unknown) => io.stderr(`warning: run ${runId} not updated in the store: ${firstLine(error)}\n`));
  };
  let lastStage = '';
  try {
    run = await store.getRun(runId);
    if (options.runId && !run) {
      const where = secrets.get('DATABASE_URL') ? 'PostgreSQL (DATABASE_URL)' : `SQLite at ${config.dbPath}`;
      io.stderr(`note: no training run ${runId} in the feedback store (${where}); its row is not updated\n`);
    }
    const result = await retrainFromDatabase({
      runId,
      outDir: resolve(options.out ?? join(config.outDir, runId)),
      feedbackUntil: options.feedbackUntil,
      feedbackWeight: given('feedbackWeight') ? options.feedbackWeight : undefined,
      feedbackHoldoutFraction: options.feedbackHoldoutFraction,
      data: given('data') ? options.data : undefined,
      algorithm: given('algorithm') ? options.algorithm : undefined,
      cvFolds: given('folds') ? options.folds : undefined,
      dataDir: resolveDataDir(options.dataDir, io.env),
      env: io.env,
      store,
      onProgress: (progress, stage) => {
        if (!options.progress || stage === lastStage) return;
        lastStage = stage;
        io.stderr(`[${Math.round(progress * 100)}%] ${stage}\n`);
      },
    });
    const publication = options.promote && publish ? await publish(runId, result, io, secrets) : undefined;
    const outcome = runResultRecord(result, publication);
    await record(outcome);
    io.stdout(
      `${JSON.stringify({ runId, state: 'succeeded', feedbackCutoff: result.feedbackCutoff, artifactPath: result.artifactPath, ...outcome })}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    // A driver's or a server's message may quote a connection string or a token.
    const reason = redactSecretValues(firstLine(error), secrets);
    await record({ error: reason });
    return failed(io, runId, reason, error instanceof DatasetError ? EXIT_DATA : EXIT_FAILURE);
  } finally {
    await store.close().catch(() => undefined);
  }
}

/**
 * The secrets a service pod would have: with VAULT_ADDR or a Vault Agent folder, loaded as main.ts loads them
 * (DATABASE_URL and MLflow credentials may come from there), else the environment. Nothing keeps running after.
 */
async function secretsOf(env: NodeJS.ProcessEnv): Promise<SecretsService> {
  const secrets = new SecretsService(env);
  const session = await loadSecretsBeforeBootstrap(env, { secrets, background: false });
  session?.stop();
  return secrets;
}

function failed(io: CliIo, runId: string, reason: string, code: number): number {
  io.stderr(`error: training run ${runId} failed: ${reason}\n`);
  io.stdout(`${JSON.stringify({ runId, state: 'failed', reason })}\n`);
  return code;
}

/** `train --feedback-from-database` (see `runTrainCli`): the training Job's command, publishing with `publish`. */
export function retrainJob(publish?: PublishRetrain): FeedbackFromDatabase {
  return (options, given, io) => runDatabaseRetrain(options, given, io, publish);
}

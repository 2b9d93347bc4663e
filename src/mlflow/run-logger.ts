import { userInfo } from 'node:os';
import { MODEL_FILE, SPAM_THRESHOLD } from '../engine';
import type { MlflowConfig } from './config/mlflow.config';
import { evaluationMetricKey } from './promotion';
import { renderModelCard } from './model-card';
import type { TrainingRunInput } from './run-input';
import { sourceCommit } from './source-commit';
import {
  isTrackingUnavailable,
  TrackingStoreError,
  type MetricPoint,
  type ModelVersionRecord,
  type TrackingStore,
} from './tracking-store';

export interface RunLoggerOptions {
  experimentName: string;
  modelName: string;
  /** Register a version of `modelName` from the run's `model/` folder (default true). */
  register?: boolean;
  /** Where the run goes when `store` is unreachable, marked "not synced" for `models sync`. */
  fallback?: TrackingStore;
  /** Who and what the run is tagged with (MLFLOW_USER, BUILD_NUMBER…); default: the login user, the git commit. */
  runTags?: Partial<RunTags>;
  logger?: RunLoggerLogger;
  now?: () => number;
}

export type RunTags = MlflowConfig['runTags'];

export interface RunLoggerLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface LoggedRun {
  runId: string;
  experimentId: string;
  store: 'mlflow' | 'local';
  /** False when the run waits in the local fallback for `models sync`. */
  synced: boolean;
  version?: ModelVersionRecord;
  warning?: string;
}

/** Tags that mark a run saved locally because MLflow was unreachable. */
export const SYNC_TAGS = {
  status: 'sync.status',
  target: 'sync.target',
  error: 'sync.error',
  register: 'sync.register_model',
  experiment: 'sync.experiment',
  localRunId: 'sync.local_run_id',
  remoteRunId: 'sync.remote_run_id',
  remoteVersion: 'sync.remote_version',
} as const;

/** A run, store-independent: what `logTrainingRun` sends and what `syncUnsyncedRuns` replays. */
export interface RunPlan {
  experimentName: string;
  runName: string;
  startTime: number;
  endTime: number;
  params: Record<string, string>;
  metrics: MetricPoint[];
  tags: Record<string, string>;
  artifacts: Array<{ path: string; bytes: Buffer }>;
  registerAs?: string;
}

/** MLFLOW_EXPERIMENT_NAME and MLFLOW_MODEL_NAME defaults. */
export const DEFAULT_RUN_LOGGER_OPTIONS = { experimentName: 'spam-classifier-training', modelName: 'spam-classifier' };

export const MODEL_ARTIFACT_PATH = 'model';

/**
 * Tracks one training run (params, metrics, tags, artifacts) and registers a version of the model from its
 * `model/` folder. When the store is unreachable the run goes to `fallback` as "not synced" and a warning is
 * logged; training itself is never failed by tracking.
 */
export async function logTrainingRun(
  store: TrackingStore,
  input: TrainingRunInput,
  given: Partial<RunLoggerOptions> = {},
): Promise<LoggedRun> {
  const options: RunLoggerOptions = { ...DEFAULT_RUN_LOGGER_OPTIONS, ...given };
  const plan = await buildRunPlan(input, options);
  try {
    const result = await executeRunPlan(store, plan);
    options.logger?.log(
      `run ${result.runId} logged to ${store.kind} ${store.location}${result.version ? `, registered ${plan.registerAs} v${result.version.version}` : ''}`,
    );
    return { ...result, store: store.kind, synced: true };
  } catch (error) {
    if (!isTrackingUnavailable(error) || !options.fallback) throw error;
    const reason = (error as Error).message;
    const local = await executeRunPlan(
      options.fallback,
      {
        ...plan,
        tags: {
          ...plan.tags,
          [SYNC_TAGS.status]: 'not_synced',
          [SYNC_TAGS.target]: store.location,
          [SYNC_TAGS.error]: reason.slice(0, 1000),
          [SYNC_TAGS.experiment]: plan.experimentName,
          ...(plan.registerAs ? { [SYNC_TAGS.register]: plan.registerAs } : {}),
        },
      },
      { register: false },
    );
    const warning =
      `MLflow at ${store.location} is unreachable (${reason}); the model is trained and usable locally, and run ` +
      `${local.runId} is saved NOT SYNCED in ${options.fallback.location}. Push it later with: npm run models -- sync`;
    options.logger?.warn(warning);
    return { ...local, store: options.fallback.kind, synced: false, warning };
  }
}

/** Creates the run, logs everything, uploads the artifacts, finishes it and registers the version. */
export async function executeRunPlan(
  store: TrackingStore,
  plan: RunPlan,
  options: { register?: boolean } = {},
): Promise<{ runId: string; experimentId: string; version?: ModelVersionRecord }> {
  const experiment = await store.getOrCreateExperiment(plan.experimentName);
  const run = await store.createRun({
    experimentId: experiment.experimentId,
    runName: plan.runName,
    startTime: plan.startTime,
    tags: plan.tags,
  });
  try {
    await store.logBatch(run.runId, { params: plan.params, metrics: plan.metrics });
    for (const artifact of plan.artifacts) await store.uploadArtifact(run.runId, artifact.path, artifact.bytes);
    await store.finishRun(run.runId, 'FINISHED', plan.endTime);
  } catch (error) {
    await store.finishRun(run.runId, 'FAILED').catch(() => undefined);
    throw error;
  }
  let version: ModelVersionRecord | undefined;
  if (plan.registerAs && options.register !== false) {
    version = await store.registerModelVersion({
      name: plan.registerAs,
      runId: run.runId,
      artifactPath: MODEL_ARTIFACT_PATH,
      tags: { model_version: plan.tags.model_version ?? '', data_fingerprint: plan.tags.data_fingerprint ?? '' },
    });
  }
  return { runId: run.runId, experimentId: experiment.experimentId, ...(version ? { version } : {}) };
}

export async function buildRunPlan(input: TrainingRunInput, options: RunLoggerOptions): Promise<RunPlan> {
  const runTags = options.runTags ?? {};
  const now = options.now ?? Date.now;
  const endTime = now();
  const metadata = input.artifact.metadata;
  const training = metadata.training;
  const sets = Object.keys(input.evaluation);
  const primary = input.primaryEvaluation ?? sets[0];

  const operatingPoint = metadata.operatingPoint;
  const params = flattenParams({
    algorithm: metadata.algorithm,
    // The threshold the model decides with (the trainer also gives it; an artifact without one decides at 0.5).
    threshold: operatingPoint?.threshold ?? SPAM_THRESHOLD,
    ...(operatingPoint ? { max_fp_rate: operatingPoint.maxFpRate } : {}),
    ...Object.fromEntries(
      Object.entries(operatingPoint?.channels ?? {}).flatMap(([channel, own]) =>
        own
          ? [
              [`threshold_${channel}`, own.threshold],
              [`max_fp_rate_${channel}`, own.maxFpRate],
            ]
          : [],
      ),
    ),
    training_rows: training.rows,
    training_spam: training.spam,
    training_ham: training.ham,
    training_sources: training.sources.join(','),
    ...Object.fromEntries(
      sets.flatMap((set) => {
        const e = input.evaluation[set];
        const n = e.n ?? e.tp + e.fp + e.tn + e.fn;
        return [
          [`eval_${keyPart(set)}_rows`, n],
          [`eval_${keyPart(set)}_spam`, e.tp + e.fn],
          [`eval_${keyPart(set)}_ham`, e.tn + e.fp],
        ];
      }),
    ),
    ...input.params,
  });

  const metrics: MetricPoint[] = [];
  const point = (key: string, value: number | null | undefined, step = 0): void => {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    metrics.push({ key, value, timestamp: endTime, step });
  };
  for (const set of sets) {
    const e = input.evaluation[set];
    const figures: Record<string, number | null> = {
      accuracy: e.accuracy,
      precision: e.precision,
      recall: e.recall,
      f1_score: e.f1,
      mcc: e.mcc,
      roc_auc: e.rocAuc,
      tp: e.tp,
      fp: e.fp,
      tn: e.tn,
      fn: e.fn,
      n: e.n ?? e.tp + e.fp + e.tn + e.fn,
      // At which threshold the set was counted: the gate compares each model as it decides.
      threshold: e.threshold ?? null,
    };
    for (const [name, value] of Object.entries(figures)) {
      point(evaluationMetricKey(keyPart(set), name), value);
      if (set === primary && name !== 'n' && name !== 'threshold') point(name, value);
    }
  }
  // A model registered from what serves has no training time to report.
  if (input.durationMs > 0) point('training_seconds', input.durationMs / 1000);
  const cvTotals = new Map<string, number[]>();
  for (const [name, value] of Object.entries(input.cvSummary ?? {})) {
    if (name !== 'threshold') point(`cv_oof_${figureName(name)}`, value);
  }
  (input.cvFolds ?? []).forEach((fold, step) => {
    for (const [name, value] of Object.entries(fold)) {
      if (name === 'threshold') continue;
      const key = `cv_${figureName(name)}`;
      point(key, value, step);
      if (value !== null && Number.isFinite(value)) cvTotals.set(key, [...(cvTotals.get(key) ?? []), value]);
    }
  });
  for (const [key, values] of cvTotals) point(`${key}_mean`, values.reduce((a, b) => a + b, 0) / values.length);
  // The operating point's out-of-fold figures on the training rows, at its threshold (and each channel's at its own).
  for (const [name, value] of Object.entries(operatingPoint?.cv ?? {}))
    point(`cv_threshold_${figureName(name)}`, value);
  for (const [channel, own] of Object.entries(operatingPoint?.channels ?? {})) {
    for (const [name, value] of Object.entries(own?.cv ?? {})) {
      point(`cv_threshold_${keyPart(channel)}_${figureName(name)}`, value);
    }
  }

  const fingerprint = training.fingerprint;
  const tags: Record<string, string> = {
    'mlflow.user': runTags.user ?? safeUser(),
    'mlflow.source.name': runTags.sourceName ?? 'spam-classifier/train',
    'mlflow.source.type': 'LOCAL',
    data_fingerprint: fingerprint,
    model_version: metadata.version,
    algorithm: metadata.algorithm,
  };
  const commit = await sourceCommit(runTags.gitCommit);
  const buildNumber = runTags.buildNumber;
  if (commit) {
    tags['mlflow.source.git.commit'] = commit;
    tags.git_commit = commit;
  }
  if (buildNumber) tags.build_number = buildNumber;
  if (input.artifact.checksum) tags.artifact_sha256 = input.artifact.checksum;

  const artifacts: RunPlan['artifacts'] = [
    { path: `${MODEL_ARTIFACT_PATH}/${MODEL_FILE}`, bytes: toBuffer(input.artifactBytes) },
  ];
  const reports = input.reportFiles ?? {};
  for (const [name, bytes] of Object.entries(reports))
    artifacts.push({ path: `reports/${name}`, bytes: toBuffer(bytes) });
  const stats = input.trainingStats ?? {
    model_version: metadata.version,
    algorithm: metadata.algorithm,
    training_time_seconds: input.durationMs / 1000,
    dataset: training,
    evaluation: input.evaluation,
    cv_folds: input.cvFolds ?? [],
    params,
  };
  artifacts.push({ path: 'training_stats.json', bytes: Buffer.from(`${JSON.stringify(stats, null, 2)}\n`) });
  artifacts.push({
    path: 'model_card.md',
    bytes: Buffer.from(renderModelCard({ input, params, primary, fingerprint, commit, buildNumber })),
  });

  return {
    experimentName: options.experimentName,
    runName: input.runName ?? `${metadata.algorithm}-${metadata.version}`,
    startTime: Math.round(endTime - input.durationMs),
    endTime,
    params,
    metrics,
    tags,
    artifacts,
    ...(options.register === false ? {} : { registerAs: options.modelName }),
  };
}

/**
 * Pushes runs saved "not synced" in `local` to `remote` (which must be reachable), registers their versions, and
 * marks them synced. A run already pushed (found by its `sync.local_run_id` tag) is only marked, never duplicated.
 */
export async function syncUnsyncedRuns(
  local: TrackingStore,
  remote: TrackingStore,
  options: { experimentName: string; logger?: { log(message: string): void } },
): Promise<Array<{ localRunId: string; remoteRunId: string; version?: string }>> {
  const experiment = await local.getOrCreateExperiment(options.experimentName);
  const pending = await local.searchRuns({
    experimentIds: [experiment.experimentId],
    tags: { [SYNC_TAGS.status]: 'not_synced' },
  });
  const synced: Array<{ localRunId: string; remoteRunId: string; version?: string }> = [];
  for (const run of pending.reverse()) {
    const plan = await planFromStoredRun(local, run.runId);
    const remoteExperiment = await remote.getOrCreateExperiment(plan.experimentName);
    const existing = await remote.searchRuns({
      experimentIds: [remoteExperiment.experimentId],
      tags: { [SYNC_TAGS.localRunId]: run.runId },
    });
    let result: { runId: string; version?: ModelVersionRecord };
    const done = existing.find((r) => r.status === 'FINISHED');
    if (done) {
      result = { runId: done.runId };
    } else {
      result = await executeRunPlan(remote, plan);
    }
    await local.logBatch(run.runId, {
      tags: {
        [SYNC_TAGS.status]: 'synced',
        [SYNC_TAGS.remoteRunId]: result.runId,
        ...(result.version ? { [SYNC_TAGS.remoteVersion]: result.version.version } : {}),
      },
    });
    options.logger?.log(
      `synced local run ${run.runId} → ${remote.location} run ${result.runId}${result.version ? ` (${plan.registerAs} v${result.version.version})` : ''}`,
    );
    synced.push({
      localRunId: run.runId,
      remoteRunId: result.runId,
      ...(result.version ? { version: result.version.version } : {}),
    });
  }
  return synced;
}

async function planFromStoredRun(store: TrackingStore, runId: string): Promise<RunPlan> {
  const run = await store.getRun(runId);
  const metrics: MetricPoint[] = [];
  for (const key of Object.keys(run.metrics)) metrics.push(...(await store.getMetricHistory(runId, key)));
  const artifacts: RunPlan['artifacts'] = [];
  const walk = async (path: string): Promise<void> => {
    for (const entry of await store.listArtifacts(runId, path)) {
      if (entry.isDir) await walk(entry.path);
      else artifacts.push({ path: entry.path, bytes: await store.downloadArtifact(runId, entry.path) });
    }
  };
  await walk('');
  const tags = Object.fromEntries(
    Object.entries(run.tags).filter(([key]) => !key.startsWith('sync.') && key !== 'mlflow.runName'),
  );
  tags[SYNC_TAGS.localRunId] = runId;
  const experimentName = run.tags[SYNC_TAGS.experiment];
  if (!experimentName)
    throw new TrackingStoreError('INVALID', `local run ${runId} does not name its target experiment`);
  return {
    experimentName,
    runName: run.runName ?? runId,
    startTime: run.startTime,
    endTime: run.endTime ?? run.startTime,
    params: run.params,
    metrics,
    tags,
    artifacts,
    ...(run.tags[SYNC_TAGS.register] ? { registerAs: run.tags[SYNC_TAGS.register] } : {}),
  };
}

/** Nested params become dotted keys (`hyperparameters.C`), arrays and null JSON, all strings ≤ 6000 characters. */
export function flattenParams(values: Readonly<Record<string, unknown>>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawKey, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const key = `${prefix}${metricName(rawKey)}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(out, flattenParams(value as Record<string, unknown>, `${key}.`));
    } else {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      out[key] = text.length > 6000 ? `${text.slice(0, 5980)}…(truncated)` : text;
    }
  }
  return out;
}

/** camelCase → snake_case (`maxIter` → `max_iter`, `C` stays), and anything MLflow refuses in a key → `_`. */
function metricName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, (_, before: string, capital: string) => `${before}_${capital.toLowerCase()}`)
    .replace(/[^/\w.\- ]/g, '_');
}

/** Figures named as the run's own metrics (`f1` → `f1_score`, `rocAuc` → `roc_auc`). */
function figureName(name: string): string {
  return name === 'f1' ? 'f1_score' : metricName(name);
}

function keyPart(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}

function toBuffer(bytes: Buffer | string): Buffer {
  return typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

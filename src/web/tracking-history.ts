import { CHALLENGER_ALIAS, CHAMPION_ALIAS, GATE_TAGS } from '../mlflow/promotion';
import { SYNC_TAGS } from '../mlflow/run-logger';
import type { ModelVersionRecord, RunRecord, TrackingStore } from '../mlflow/tracking-store';

/** How long the model page waits for the tracking store before it renders without the history. */
export const TRACKING_HISTORY_TIMEOUT_MS = 3_000;
/** Runs and versions shown, newest first. */
export const TRACKING_HISTORY_LIMIT = 20;

export interface HistoryRun {
  readonly runId: string;
  readonly runName?: string;
  readonly status: string;
  readonly startedAt: string;
  readonly modelVersion?: string;
  readonly algorithm?: string;
  readonly f1?: number;
  readonly precision?: number;
  readonly recall?: number;
  readonly rocAuc?: number;
  readonly fp?: number;
  readonly fn?: number;
  readonly trainingSeconds?: number;
  /** The registry version made from this run (`3`), when there is one. */
  readonly registeredVersion?: string;
  /** Saved in the local registry while MLflow was unreachable, waiting for `npm run models -- sync`. */
  readonly notSynced: boolean;
  readonly serving: boolean;
}

export interface HistoryVersion {
  readonly version: string;
  readonly aliases: readonly string[];
  readonly champion: boolean;
  readonly challenger: boolean;
  readonly createdAt: string;
  readonly status: string;
  readonly runId?: string;
  readonly modelVersion?: string;
  readonly f1?: number;
  readonly fp?: number;
  readonly decision?: string;
  readonly reason?: string;
  readonly serving: boolean;
}

export interface TrackingHistory {
  /** `local` or `mlflow`, and where (no credentials). */
  readonly store: { readonly kind: string; readonly location: string };
  readonly experimentName: string;
  readonly modelName: string;
  readonly runs: readonly HistoryRun[];
  readonly versions: readonly HistoryVersion[];
  /** Set when the store could not be read; runs and versions are then empty. */
  readonly error?: string;
}

export interface TrackingHistoryOptions {
  readonly experimentName: string;
  readonly modelName: string;
  /** The serving artifact's `metadata.version`, to mark its run and version. */
  readonly servingVersion?: string;
  readonly limit?: number;
  readonly timeoutMs?: number;
}

/**
 * The training history (runs of the experiment, with their key metrics) and the registry (versions with their
 * aliases and gate decisions) from whichever tracking store is active. Never throws: an unreachable or failing
 * store, or one slower than `timeoutMs`, gives a history with `error` set, so the page still renders.
 */
export async function readTrackingHistory(
  store: TrackingStore,
  options: TrackingHistoryOptions,
): Promise<TrackingHistory> {
  const base = {
    store: { kind: store.kind, location: store.location },
    experimentName: options.experimentName,
    modelName: options.modelName,
  };
  const timeoutMs = options.timeoutMs ?? TRACKING_HISTORY_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref();
  });
  const read = readFromStore(store, options);
  // The losing read may still fail later; nobody waits for it then.
  read.catch(() => undefined);
  try {
    return { ...base, ...(await Promise.race([read, deadline])) };
  } catch (error) {
    return { ...base, runs: [], versions: [], error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function readFromStore(
  store: TrackingStore,
  options: TrackingHistoryOptions,
): Promise<{ runs: HistoryRun[]; versions: HistoryVersion[] }> {
  const limit = options.limit ?? TRACKING_HISTORY_LIMIT;
  // Both reads settle before this returns, so no store call outlives the page that asked for it.
  const [runsRead, versionsRead] = await Promise.allSettled([
    store
      .getOrCreateExperiment(options.experimentName)
      .then((experiment) => store.searchRuns({ experimentIds: [experiment.experimentId], maxResults: limit })),
    store.listModelVersions(options.modelName).then((all) => all.slice(0, limit)),
  ]);
  if (runsRead.status === 'rejected') throw runsRead.reason;
  if (versionsRead.status === 'rejected') throw versionsRead.reason;
  const runs = runsRead.value;
  const versions = versionsRead.value;
  const runsById = new Map(runs.map((run) => [run.runId, run]));
  // A version whose run is older than the runs listed: its metrics come from its own run (best effort).
  const missing = versions.filter((v) => v.runId && !runsById.has(v.runId)).map((v) => v.runId as string);
  const extra = await Promise.all(missing.map((id) => store.getRun(id).catch(() => undefined)));
  for (const run of extra) if (run) runsById.set(run.runId, run);

  const versionOfRun = new Map(versions.filter((v) => v.runId).map((v) => [v.runId as string, v.version]));
  return {
    runs: runs.map((run) => toHistoryRun(run, versionOfRun.get(run.runId), options.servingVersion)),
    versions: versions.map((v) =>
      toHistoryVersion(v, v.runId ? runsById.get(v.runId) : undefined, options.servingVersion),
    ),
  };
}

function toHistoryRun(run: RunRecord, registeredVersion: string | undefined, servingVersion?: string): HistoryRun {
  const m = run.metrics;
  const modelVersion = run.tags.model_version;
  return {
    runId: run.runId,
    runName: run.runName,
    status: run.status,
    startedAt: new Date(run.startTime).toISOString(),
    modelVersion,
    algorithm: run.params.algorithm ?? run.tags.algorithm,
    f1: m.f1_score,
    precision: m.precision,
    recall: m.recall,
    rocAuc: m.roc_auc,
    fp: m.fp,
    fn: m.fn,
    trainingSeconds: m.training_seconds,
    registeredVersion,
    notSynced: run.tags[SYNC_TAGS.status] === 'not_synced',
    serving: servingVersion !== undefined && modelVersion === servingVersion,
  };
}

function toHistoryVersion(
  version: ModelVersionRecord,
  run: RunRecord | undefined,
  servingVersion?: string,
): HistoryVersion {
  const modelVersion = version.tags.model_version || run?.tags.model_version;
  return {
    version: version.version,
    aliases: [...version.aliases].sort(),
    champion: version.aliases.includes(CHAMPION_ALIAS),
    challenger: version.aliases.includes(CHALLENGER_ALIAS),
    createdAt: new Date(version.creationTimestamp).toISOString(),
    status: version.status,
    runId: version.runId,
    modelVersion,
    f1: run?.metrics.f1_score,
    fp: run?.metrics.fp,
    decision: version.tags[GATE_TAGS.decision],
    reason: version.tags[GATE_TAGS.reason],
    serving: servingVersion !== undefined && modelVersion === servingVersion,
  };
}

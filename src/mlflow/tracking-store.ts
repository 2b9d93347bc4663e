/**
 * The port training and serving use to track runs and manage model versions. Two adapters: `MlflowTrackingStore`
 * (a real MLflow server over REST) and `LocalTrackingStore` (a registry on disk, the default without
 * `MLFLOW_TRACKING_URI`). Both pass the same contract tests (test/mlflow-tracking-store.contract-spec.ts).
 * Used as a Nest DI token.
 */

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface ExperimentRecord {
  experimentId: string;
  name: string;
}

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface RunRecord {
  runId: string;
  experimentId: string;
  runName?: string;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  artifactUri: string;
  params: Record<string, string>;
  /** The latest value per key (highest step, then newest). */
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

export interface ArtifactEntry {
  /** Relative to the run's artifact root, e.g. `model/model.json`. */
  path: string;
  isDir: boolean;
  size?: number;
}

export interface ModelVersionRecord {
  name: string;
  version: string;
  source: string;
  runId?: string;
  status: string;
  creationTimestamp: number;
  tags: Record<string, string>;
  aliases: string[];
}

export interface RunBatch {
  params?: Record<string, string>;
  metrics?: Array<{ key: string; value: number; timestamp?: number; step?: number }>;
  tags?: Record<string, string>;
}

export type TrackingErrorCode = 'NOT_FOUND' | 'INVALID' | 'UNAVAILABLE';

/** What every adapter throws, so callers need not know which store they talk to. */
export class TrackingStoreError extends Error {
  override readonly name = 'TrackingStoreError';

  constructor(
    readonly code: TrackingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isTrackingUnavailable(error: unknown): boolean {
  return error instanceof TrackingStoreError && error.code === 'UNAVAILABLE';
}

export abstract class TrackingStore {
  /** `mlflow` or `local`. */
  abstract readonly kind: 'mlflow' | 'local';
  /** Where the store lives, safe to log (no credentials). */
  abstract readonly location: string;

  abstract getOrCreateExperiment(name: string, tags?: Record<string, string>): Promise<ExperimentRecord>;
  abstract createRun(input: {
    experimentId: string;
    runName?: string;
    startTime?: number;
    tags?: Record<string, string>;
  }): Promise<RunRecord>;
  /** Params are immutable: the same value again is fine, a new value is refused (INVALID). */
  abstract logBatch(runId: string, batch: RunBatch): Promise<void>;
  abstract finishRun(runId: string, status: Exclude<RunStatus, 'RUNNING'>, endTime?: number): Promise<void>;
  abstract getRun(runId: string): Promise<RunRecord>;
  abstract getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;
  /** Newest first; `tags` keeps runs whose tags equal every given value. */
  abstract searchRuns(input: {
    experimentIds: string[];
    tags?: Record<string, string>;
    maxResults?: number;
  }): Promise<RunRecord[]>;

  abstract uploadArtifact(runId: string, path: string, bytes: Buffer | string): Promise<void>;
  abstract downloadArtifact(runId: string, path: string): Promise<Buffer>;
  /** Direct children of `path` (the run's artifact root when empty). */
  abstract listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]>;

  /** Creates the registered model if needed, then a version whose source is the run's `artifactPath` folder. */
  abstract registerModelVersion(input: {
    name: string;
    runId: string;
    artifactPath: string;
    tags?: Record<string, string>;
  }): Promise<ModelVersionRecord>;
  abstract getModelVersion(name: string, version: string): Promise<ModelVersionRecord>;
  /** Highest version first; empty when the model is not registered. */
  abstract listModelVersions(name: string): Promise<ModelVersionRecord[]>;
  abstract setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  abstract setAlias(name: string, alias: string, version: string): Promise<void>;
  /** Undefined when the alias (or the model) does not exist. */
  abstract getVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord | undefined>;
  abstract deleteAlias(name: string, alias: string): Promise<void>;
  /** A file inside the version's source folder, e.g. `model.json`. */
  abstract downloadModelVersionFile(version: ModelVersionRecord, file: string): Promise<Buffer>;
}

export function latestMetrics(points: readonly MetricPoint[]): Record<string, number> {
  const latest = new Map<string, MetricPoint>();
  for (const point of points) {
    const current = latest.get(point.key);
    if (
      !current ||
      point.step > current.step ||
      (point.step === current.step && point.timestamp >= current.timestamp)
    ) {
      latest.set(point.key, point);
    }
  }
  return Object.fromEntries([...latest].map(([key, point]) => [key, point.value]));
}

/** Numeric version order ("10" after "9"), highest first. */
export function byVersionDescending(a: ModelVersionRecord, b: ModelVersionRecord): number {
  return Number(b.version) - Number(a.version);
}

import { MlflowClient } from './client/mlflow-client';
import {
  isMlflowErrorCode,
  MlflowApiError,
  MlflowError,
  MlflowUnavailableError,
  MlflowValidationError,
} from './client/mlflow-errors';
import type { MlflowModelVersion, MlflowRun, MlflowTag } from './client/mlflow-types';
import {
  byVersionDescending,
  TrackingStore,
  TrackingStoreError,
  type ArtifactEntry,
  type ExperimentRecord,
  type MetricPoint,
  type ModelVersionRecord,
  type RunBatch,
  type RunRecord,
  type RunStatus,
} from './tracking-store';

/** The `TrackingStore` port over a real MLflow tracking server (REST, artifact proxy). */
export class MlflowTrackingStore extends TrackingStore {
  readonly kind = 'mlflow' as const;
  readonly location: string;
  private readonly artifactUris = new Map<string, string>();

  constructor(private readonly client: MlflowClient) {
    super();
    this.location = client.baseUrl;
  }

  getOrCreateExperiment(name: string, tags: Record<string, string> = {}): Promise<ExperimentRecord> {
    return translate(async () => {
      const experiment = await this.client.getOrCreateExperiment(name, toTags(tags));
      return { experimentId: experiment.experiment_id, name: experiment.name };
    });
  }

  createRun(input: {
    experimentId: string;
    runName?: string;
    startTime?: number;
    tags?: Record<string, string>;
  }): Promise<RunRecord> {
    return translate(async () => {
      const run = await this.client.createRun({ ...input, tags: toTags(input.tags ?? {}) });
      this.artifactUris.set(run.info.run_id, run.info.artifact_uri);
      return toRunRecord(run);
    });
  }

  logBatch(runId: string, batch: RunBatch): Promise<void> {
    return translate(() =>
      this.client.logBatch(runId, {
        params: Object.entries(batch.params ?? {}).map(([key, value]) => ({ key, value })),
        tags: toTags(batch.tags ?? {}),
        metrics: (batch.metrics ?? []).map((m) => ({
          key: m.key,
          value: m.value,
          timestamp: m.timestamp ?? Date.now(),
          step: m.step ?? 0,
        })),
      }),
    );
  }

  finishRun(runId: string, status: Exclude<RunStatus, 'RUNNING'>, endTime = Date.now()): Promise<void> {
    return translate(async () => {
      await this.client.updateRun(runId, status, endTime);
    });
  }

  getRun(runId: string): Promise<RunRecord> {
    return translate(async () => toRunRecord(await this.client.getRun(runId)));
  }

  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    return translate(async () =>
      (await this.client.getMetricHistory(runId, key)).map((m) => ({ ...m, step: m.step ?? 0 })),
    );
  }

  searchRuns(input: {
    experimentIds: string[];
    tags?: Record<string, string>;
    maxResults?: number;
  }): Promise<RunRecord[]> {
    const filter = Object.entries(input.tags ?? {})
      .map(([key, value]) => `tags.\`${key}\` = '${value.replace(/'/g, "\\'")}'`)
      .join(' AND ');
    return translate(async () =>
      (await this.client.searchRuns({ experimentIds: input.experimentIds, filter, maxResults: input.maxResults })).map(
        toRunRecord,
      ),
    );
  }

  uploadArtifact(runId: string, path: string, bytes: Buffer | string): Promise<void> {
    return translate(async () => this.client.uploadArtifact(await this.artifactUri(runId), path, bytes));
  }

  downloadArtifact(runId: string, path: string): Promise<Buffer> {
    return translate(async () => this.client.downloadArtifact(await this.artifactUri(runId), path));
  }

  listArtifacts(runId: string, path = ''): Promise<ArtifactEntry[]> {
    return translate(async () => {
      const clean = path.replace(/^\/+|\/+$/g, '');
      const files = await this.client.listArtifacts(await this.artifactUri(runId), clean);
      return files.map((f) => ({
        path: clean ? `${clean}/${f.path}` : f.path,
        isDir: f.is_dir,
        ...(f.file_size !== undefined ? { size: f.file_size } : {}),
      }));
    });
  }

  registerModelVersion(input: {
    name: string;
    runId: string;
    artifactPath: string;
    tags?: Record<string, string>;
  }): Promise<ModelVersionRecord> {
    return translate(async () => {
      await this.client.getOrCreateRegisteredModel(input.name);
      const artifactUri = await this.artifactUri(input.runId);
      const version = await this.client.createModelVersion({
        name: input.name,
        source: `${artifactUri}/${input.artifactPath.replace(/^\/+|\/+$/g, '')}`,
        runId: input.runId,
        tags: toTags(input.tags ?? {}),
      });
      return toVersionRecord(version);
    });
  }

  getModelVersion(name: string, version: string): Promise<ModelVersionRecord> {
    return translate(async () => toVersionRecord(await this.client.getModelVersion(name, version)));
  }

  listModelVersions(name: string): Promise<ModelVersionRecord[]> {
    return translate(async () => {
      // model-versions/search does not fill `aliases` on every store; registered-models/get always does.
      let aliases: Array<{ alias: string; version: string }>;
      try {
        aliases = (await this.client.getRegisteredModel(name)).aliases ?? [];
      } catch (error) {
        if (isMlflowErrorCode(error, 'RESOURCE_DOES_NOT_EXIST')) return [];
        throw error;
      }
      const versions = (await this.client.searchModelVersions(name)).map(toVersionRecord);
      for (const version of versions) {
        version.aliases = aliases.filter((a) => a.version === version.version).map((a) => a.alias);
      }
      return versions.sort(byVersionDescending);
    });
  }

  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    return translate(() => this.client.setModelVersionTag(name, version, key, value));
  }

  setAlias(name: string, alias: string, version: string): Promise<void> {
    return translate(() => this.client.setAlias(name, alias, version));
  }

  getVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord | undefined> {
    return translate(async () => {
      try {
        return toVersionRecord(await this.client.getModelVersionByAlias(name, alias));
      } catch (error) {
        // A real server answers an unknown alias with 400 INVALID_PARAMETER_VALUE, an unknown model with 404.
        if (isMlflowErrorCode(error, 'INVALID_PARAMETER_VALUE', 400) && /alias/i.test(error.serverMessage)) {
          return undefined;
        }
        if (isMlflowErrorCode(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
        throw error;
      }
    });
  }

  deleteAlias(name: string, alias: string): Promise<void> {
    return translate(() => this.client.deleteAlias(name, alias));
  }

  downloadModelVersionFile(version: ModelVersionRecord, file: string): Promise<Buffer> {
    return translate(async () => {
      const runsUri = /^runs:\/([^/]+)\/?(.*)$/.exec(version.source);
      if (runsUri) {
        const [, runId, folder] = runsUri;
        return this.client.downloadArtifact(await this.artifactUri(runId), folder ? `${folder}/${file}` : file);
      }
      return this.client.downloadArtifact(version.source, file);
    });
  }

  private async artifactUri(runId: string): Promise<string> {
    let uri = this.artifactUris.get(runId);
    if (!uri) {
      uri = (await this.client.getRun(runId)).info.artifact_uri;
      this.artifactUris.set(runId, uri);
    }
    return uri;
  }
}

async function translate<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TrackingStoreError) throw error;
    if (error instanceof MlflowUnavailableError) {
      throw new TrackingStoreError('UNAVAILABLE', error.message, { cause: error });
    }
    if (error instanceof MlflowApiError) {
      if (error.errorCode === 'RESOURCE_DOES_NOT_EXIST')
        throw new TrackingStoreError('NOT_FOUND', error.message, { cause: error });
      if (error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403) {
        throw new TrackingStoreError('INVALID', error.message, { cause: error });
      }
      // 401/403/5xx other than 503 are not the caller's input: the server is unusable for now.
      throw new TrackingStoreError('UNAVAILABLE', error.message, { cause: error });
    }
    if (error instanceof MlflowValidationError)
      throw new TrackingStoreError('INVALID', error.message, { cause: error });
    if (error instanceof MlflowError) throw new TrackingStoreError('INVALID', error.message, { cause: error });
    throw error;
  }
}

function toTags(tags: Record<string, string>): MlflowTag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function fromTags(tags: MlflowTag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));
}

function toRunRecord(run: MlflowRun): RunRecord {
  return {
    runId: run.info.run_id,
    experimentId: run.info.experiment_id,
    ...(run.info.run_name !== undefined ? { runName: run.info.run_name } : {}),
    status: run.info.status as RunStatus,
    startTime: run.info.start_time ?? 0,
    ...(run.info.end_time !== undefined ? { endTime: run.info.end_time } : {}),
    artifactUri: run.info.artifact_uri,
    params: Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value])),
    metrics: Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value])),
    tags: fromTags(run.data.tags),
  };
}

function toVersionRecord(version: MlflowModelVersion): ModelVersionRecord {
  return {
    name: version.name,
    version: version.version,
    source: version.source,
    ...(version.run_id ? { runId: version.run_id } : {}),
    status: version.status,
    creationTimestamp: version.creation_timestamp ?? 0,
    tags: fromTags(version.tags),
    aliases: version.aliases ?? [],
  };
}

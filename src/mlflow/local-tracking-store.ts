import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { writeFileAtomic } from './atomic-file';
import { MlflowValidationError } from './client/mlflow-errors';
import { MLFLOW_NAME_PATTERN, validateAlias, validateBatch } from './client/mlflow-limits';
import {
  byVersionDescending,
  latestMetrics,
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

interface ExperimentsFile {
  nextId: number;
  experiments: Array<{ experimentId: string; name: string; creationTime: number; tags: Record<string, string> }>;
}

interface RunFile {
  runId: string;
  experimentId: string;
  runName?: string;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  params: Record<string, string>;
  metrics: MetricPoint[];
  tags: Record<string, string>;
}

interface ModelFile {
  name: string;
  creationTimestamp: number;
  aliases: Record<string, string>;
  versions: Array<Omit<ModelVersionRecord, 'aliases'>>;
}

/** A writer holds the lock for milliseconds; one older than this was left by a crashed process. */
const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

/** Scheme of a local run's artifact root: `local-registry:/runs/<run_id>/artifacts`. */
const LOCAL_SCHEME = 'local-registry:';

/**
 * A model registry on disk with MLflow's semantics (immutable params, metric history, aliases with MLflow's rules,
 * versions numbered from 1), for when no MLflow server is configured. Layout under `root`:
 * `experiments.json`, `runs/<id>/run.json` + `runs/<id>/artifacts/…`, `models/<name>/model.json`.
 * Every file is written atomically; one process serialises its own writes.
 */
export class LocalTrackingStore extends TrackingStore {
  readonly kind = 'local' as const;
  readonly location: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly root: string) {
    super();
    this.root = resolve(root);
    this.location = this.root;
  }

  async getOrCreateExperiment(name: string, tags: Record<string, string> = {}): Promise<ExperimentRecord> {
    checkName(name, 'experiment name');
    return this.exclusive(async () => {
      const file = await this.readJson<ExperimentsFile>(this.experimentsPath(), { nextId: 1, experiments: [] });
      let experiment = file.experiments.find((e) => e.name === name);
      if (!experiment) {
        experiment = { experimentId: String(file.nextId++), name, creationTime: Date.now(), tags };
        file.experiments.push(experiment);
        await this.writeJson(this.experimentsPath(), file);
      }
      return { experimentId: experiment.experimentId, name: experiment.name };
    });
  }

  async createRun(input: {
    experimentId: string;
    runName?: string;
    startTime?: number;
    tags?: Record<string, string>;
  }): Promise<RunRecord> {
    return this.exclusive(async () => {
      const experiments = await this.readJson<ExperimentsFile>(this.experimentsPath(), { nextId: 1, experiments: [] });
      if (!experiments.experiments.some((e) => e.experimentId === input.experimentId)) {
        throw new TrackingStoreError('NOT_FOUND', `experiment ${input.experimentId} does not exist in ${this.root}`);
      }
      const runId = randomUUID().replace(/-/g, '');
      const runName = input.runName ?? `run-${runId.slice(0, 8)}`;
      const run: RunFile = {
        runId,
        experimentId: input.experimentId,
        runName,
        status: 'RUNNING',
        startTime: input.startTime ?? Date.now(),
        params: {},
        metrics: [],
        tags: { ...(input.tags ?? {}), 'mlflow.runName': runName },
      };
      await this.writeJson(this.runPath(runId), run);
      return this.toRunRecord(run);
    });
  }

  async logBatch(runId: string, batch: RunBatch): Promise<void> {
    const params = Object.entries(batch.params ?? {}).map(([key, value]) => ({ key, value }));
    const tags = Object.entries(batch.tags ?? {}).map(([key, value]) => ({ key, value }));
    const now = Date.now();
    const metrics = (batch.metrics ?? []).map((m) => ({
      key: m.key,
      value: m.value,
      timestamp: m.timestamp ?? now,
      step: m.step ?? 0,
    }));
    try {
      validateBatch({ params, tags, metrics });
    } catch (error) {
      throw new TrackingStoreError('INVALID', (error as Error).message);
    }
    return this.exclusive(async () => {
      const run = await this.readRun(runId);
      for (const { key, value } of params) {
        if (run.params[key] !== undefined && run.params[key] !== value) {
          throw new TrackingStoreError(
            'INVALID',
            `Changing param values is not allowed. Param with key='${key}' was already logged with value='${run.params[key]}' for run ID='${runId}'. Attempted logging new value '${value}'.`,
          );
        }
      }
      for (const { key, value } of params) run.params[key] = value;
      for (const { key, value } of tags) run.tags[key] = value;
      run.metrics.push(...metrics);
      await this.writeJson(this.runPath(runId), run);
    });
  }

  async finishRun(runId: string, status: Exclude<RunStatus, 'RUNNING'>, endTime = Date.now()): Promise<void> {
    return this.exclusive(async () => {
      const run = await this.readRun(runId);
      run.status = status;
      run.endTime = endTime;
      await this.writeJson(this.runPath(runId), run);
    });
  }

  async getRun(runId: string): Promise<RunRecord> {
    return this.toRunRecord(await this.readRun(runId));
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    return (await this.readRun(runId)).metrics.filter((m) => m.key === key);
  }

  async searchRuns(input: {
    experimentIds: string[];
    tags?: Record<string, string>;
    maxResults?: number;
  }): Promise<RunRecord[]> {
    const ids = await listDir(join(this.root, 'runs'));
    const runs: RunFile[] = [];
    for (const id of ids) {
      const run = await this.readJson<RunFile | undefined>(this.runPath(id), undefined);
      if (!run || !input.experimentIds.includes(run.experimentId)) continue;
      if (Object.entries(input.tags ?? {}).every(([key, value]) => run.tags[key] === value)) runs.push(run);
    }
    runs.sort((a, b) => b.startTime - a.startTime);
    return runs.slice(0, input.maxResults ?? runs.length).map((run) => this.toRunRecord(run));
  }

  async uploadArtifact(runId: string, path: string, bytes: Buffer | string): Promise<void> {
    await this.readRun(runId);
    await writeFileAtomic(this.artifactFile(runId, path), bytes);
  }

  async downloadArtifact(runId: string, path: string): Promise<Buffer> {
    await this.readRun(runId);
    try {
      return await readFile(this.artifactFile(runId, path));
    } catch {
      throw new TrackingStoreError('NOT_FOUND', `artifact "${path}" of run ${runId} does not exist`);
    }
  }

  async listArtifacts(runId: string, path = ''): Promise<ArtifactEntry[]> {
    await this.readRun(runId);
    const clean = path.replace(/^\/+|\/+$/g, '');
    const dir = clean ? this.artifactFile(runId, clean) : join(this.runDir(runId), 'artifacts');
    const entries: ArtifactEntry[] = [];
    for (const name of (await listDir(dir)).filter((n) => !n.includes('.tmp-'))) {
      const info = await stat(join(dir, name));
      const relative = clean ? `${clean}/${name}` : name;
      entries.push(
        info.isDirectory() ? { path: relative, isDir: true } : { path: relative, isDir: false, size: info.size },
      );
    }
    return entries;
  }

  async registerModelVersion(input: {
    name: string;
    runId: string;
    artifactPath: string;
    tags?: Record<string, string>;
  }): Promise<ModelVersionRecord> {
    checkName(input.name, 'registered model name');
    return this.exclusive(async () => {
      await this.readRun(input.runId);
      const model = await this.readJson<ModelFile>(this.modelPath(input.name), {
        name: input.name,
        creationTimestamp: Date.now(),
        aliases: {},
        versions: [],
      });
      const version = {
        name: input.name,
        version: String(model.versions.reduce((max, v) => Math.max(max, Number(v.version)), 0) + 1),
        source: `${LOCAL_SCHEME}/runs/${input.runId}/artifacts/${input.artifactPath.replace(/^\/+|\/+$/g, '')}`,
        runId: input.runId,
        status: 'READY',
        creationTimestamp: Date.now(),
        tags: { ...(input.tags ?? {}) },
      };
      model.versions.push(version);
      await this.writeJson(this.modelPath(input.name), model);
      return withAliases(model, version);
    });
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersionRecord> {
    const model = await this.readModel(name);
    return withAliases(model, findVersion(model, version));
  }

  async listModelVersions(name: string): Promise<ModelVersionRecord[]> {
    const model = await this.readJson<ModelFile | undefined>(this.modelPath(name), undefined);
    if (!model) return [];
    return model.versions.map((v) => withAliases(model, v)).sort(byVersionDescending);
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    try {
      validateBatch({ params: [], metrics: [], tags: [{ key, value }] });
    } catch (error) {
      throw new TrackingStoreError('INVALID', (error as Error).message);
    }
    return this.exclusive(async () => {
      const model = await this.readModel(name);
      findVersion(model, version).tags[key] = value;
      await this.writeJson(this.modelPath(name), model);
    });
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    try {
      validateAlias(alias);
    } catch (error) {
      throw new TrackingStoreError('INVALID', (error as MlflowValidationError).message);
    }
    return this.exclusive(async () => {
      const model = await this.readModel(name);
      findVersion(model, version);
      model.aliases[alias] = version;
      await this.writeJson(this.modelPath(name), model);
    });
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord | undefined> {
    const model = await this.readJson<ModelFile | undefined>(this.modelPath(name), undefined);
    const version = model?.aliases[alias];
    if (!model || version === undefined) return undefined;
    return withAliases(model, findVersion(model, version));
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    return this.exclusive(async () => {
      const model = await this.readModel(name);
      delete model.aliases[alias];
      await this.writeJson(this.modelPath(name), model);
    });
  }

  async downloadModelVersionFile(version: ModelVersionRecord, file: string): Promise<Buffer> {
    const match = new RegExp(`^${LOCAL_SCHEME}/runs/([0-9a-f]+)/artifacts/?(.*)$`).exec(version.source);
    if (!match) {
      throw new TrackingStoreError(
        'INVALID',
        `version ${version.version} source "${version.source}" is not in this local registry`,
      );
    }
    const [, runId, folder] = match;
    return this.downloadArtifact(runId, folder ? `${folder}/${file}` : file);
  }

  // ---- files ----

  /** One writer at a time: a queue inside this process, a lock folder across processes (trainer and service). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const locked = () => this.withLockDir(work);
    const result = this.queue.then(locked, locked);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async withLockDir<T>(work: () => Promise<T>): Promise<T> {
    const lock = join(this.root, '.lock');
    await mkdir(this.root, { recursive: true });
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await mkdir(lock);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const info = await stat(lock).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > LOCK_STALE_MS) {
          await rm(lock, { recursive: true, force: true });
          continue;
        }
        if (Date.now() > deadline) {
          throw new TrackingStoreError(
            'UNAVAILABLE',
            `the local registry ${this.root} stayed locked for ${LOCK_WAIT_MS} ms (${lock})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    }
    try {
      return await work();
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }

  private experimentsPath(): string {
    return join(this.root, 'experiments.json');
  }

  private runDir(runId: string): string {
    if (!/^[0-9a-f]{32}$/.test(runId)) throw new TrackingStoreError('NOT_FOUND', `Run with id=${runId} not found`);
    return join(this.root, 'runs', runId);
  }

  private runPath(runId: string): string {
    return join(this.runDir(runId), 'run.json');
  }

  private modelPath(name: string): string {
    checkName(name, 'registered model name');
    return join(this.root, 'models', encodeURIComponent(name), 'model.json');
  }

  private artifactFile(runId: string, path: string): string {
    const base = join(this.runDir(runId), 'artifacts');
    const full = resolve(base, path.replace(/^\/+/, ''));
    if (full !== base && !full.startsWith(base + sep)) {
      throw new TrackingStoreError('INVALID', `artifact path "${path}" leaves the run's artifact folder`);
    }
    return full;
  }

  private async readRun(runId: string): Promise<RunFile> {
    const run = await this.readJson<RunFile | undefined>(this.runPath(runId), undefined);
    if (!run) throw new TrackingStoreError('NOT_FOUND', `Run with id=${runId} not found`);
    return run;
  }

  private async readModel(name: string): Promise<ModelFile> {
    const model = await this.readJson<ModelFile | undefined>(this.modelPath(name), undefined);
    if (!model) throw new TrackingStoreError('NOT_FOUND', `Registered Model with name=${name} not found`);
    return model;
  }

  private async readJson<T>(path: string, fallback: T): Promise<T> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new TrackingStoreError('INVALID', `${path} is not valid JSON; the local registry is damaged`);
    }
  }

  private writeJson(path: string, value: unknown): Promise<void> {
    return writeFileAtomic(path, `${JSON.stringify(value, null, 1)}\n`);
  }

  private toRunRecord(run: RunFile): RunRecord {
    return {
      runId: run.runId,
      experimentId: run.experimentId,
      ...(run.runName !== undefined ? { runName: run.runName } : {}),
      status: run.status,
      startTime: run.startTime,
      ...(run.endTime !== undefined ? { endTime: run.endTime } : {}),
      artifactUri: `${LOCAL_SCHEME}/runs/${run.runId}/artifacts`,
      params: { ...run.params },
      metrics: latestMetrics(run.metrics),
      tags: { ...run.tags },
    };
  }
}

function checkName(name: string, what: string): void {
  if (!name || !MLFLOW_NAME_PATTERN.test(name)) {
    throw new TrackingStoreError(
      'INVALID',
      `${what} "${name}" may only hold letters, digits, '_', '-', '.', ' ' and '/'`,
    );
  }
}

function findVersion(model: ModelFile, version: string): Omit<ModelVersionRecord, 'aliases'> {
  const found = model.versions.find((v) => v.version === version);
  if (!found) {
    throw new TrackingStoreError('NOT_FOUND', `Model Version (name=${model.name}, version=${version}) not found`);
  }
  return found;
}

function withAliases(model: ModelFile, version: Omit<ModelVersionRecord, 'aliases'>): ModelVersionRecord {
  const aliases = Object.entries(model.aliases)
    .filter(([, v]) => v === version.version)
    .map(([alias]) => alias);
  return { ...version, tags: { ...version.tags }, aliases };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

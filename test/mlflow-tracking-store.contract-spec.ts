import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlflowClient } from '../src/mlflow/client/mlflow-client';
import { LocalTrackingStore } from '../src/mlflow/local-tracking-store';
import { MlflowTrackingStore } from '../src/mlflow/mlflow-tracking-store';
import { TrackingStore, TrackingStoreError } from '../src/mlflow/tracking-store';
import { MlflowServerDouble } from './doubles/mlflow-server';

interface Harness {
  store: TrackingStore;
  close(): Promise<void>;
}

/** One contract, two adapters: whatever training and serving rely on must hold for both. */
const adapters: Array<[string, () => Promise<Harness>]> = [
  [
    MlflowTrackingStore.name,
    async () => {
      const double = await MlflowServerDouble.start();
      const store = new MlflowTrackingStore(new MlflowClient({ trackingUri: double.url, maxAttempts: 1 }));
      return { store, close: () => double.close() };
    },
  ],
  [
    LocalTrackingStore.name,
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'local-registry-'));
      return { store: new LocalTrackingStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(adapters)('TrackingStore contract: %s', (_name, create) => {
  let harness: Harness;
  let store: TrackingStore;

  beforeEach(async () => {
    harness = await create();
    store = harness.store;
  });
  afterEach(() => harness.close());

  async function newRun(): Promise<string> {
    const experiment = await store.getOrCreateExperiment('spam-classifier-training');
    return (await store.createRun({ experimentId: experiment.experimentId, runName: 'contract' })).runId;
  }

  it('should return the same experiment when asked twice by name', async () => {
    const first = await store.getOrCreateExperiment('spam-classifier-training', { team: 'ts' });
    const second = await store.getOrCreateExperiment('spam-classifier-training');
    expect(second).toEqual(first);
    expect(first.experimentId).toMatch(/^\d+$/);
  });

  it('should create a RUNNING run with a 32-hex id, its name tag and an artifact root', async () => {
    const experiment = await store.getOrCreateExperiment('exp');
    const run = await store.createRun({
      experimentId: experiment.experimentId,
      runName: 'first',
      startTime: 1_795_783_235_633,
      tags: { 'mlflow.user': 'ts' },
    });
    expect(run.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.status).toBe('RUNNING');
    expect(run.startTime).toBe(1_795_783_235_633);
    expect(run.endTime).toBeUndefined();
    expect(run.tags).toEqual({ 'mlflow.user': 'ts', 'mlflow.runName': 'first' });
    expect(run.artifactUri).toContain(run.runId);
  });

  it('should log params, metrics with steps and tags, and read them back', async () => {
    const runId = await newRun();
    await store.logBatch(runId, {
      params: { algorithm: 'svm', max_features: '5000' },
      metrics: [
        { key: 'cv_f1', value: 0.9, step: 0, timestamp: 1 },
        { key: 'cv_f1', value: 0.95, step: 1, timestamp: 2 },
        { key: 'f1_score', value: 0.97 },
      ],
      tags: { 'git.commit': 'abc123' },
    });
    const run = await store.getRun(runId);
    expect(run.params).toEqual({ algorithm: 'svm', max_features: '5000' });
    expect(run.metrics).toEqual({ cv_f1: 0.95, f1_score: 0.97 });
    expect(run.tags['git.commit']).toBe('abc123');
    const history = await store.getMetricHistory(runId, 'cv_f1');
    expect(history.map((p) => [p.step, p.value])).toEqual([
      [0, 0.9],
      [1, 0.95],
    ]);
    expect((await store.getMetricHistory(runId, 'f1_score'))[0].step).toBe(0);
  });

  it('should accept the same param value again and refuse a changed one', async () => {
    const runId = await newRun();
    await store.logBatch(runId, { params: { seed: '42' } });
    await store.logBatch(runId, { params: { seed: '42' } });
    await expect(store.logBatch(runId, { params: { seed: '7' } })).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining("Changing param values is not allowed. Param with key='seed'"),
    });
    expect((await store.getRun(runId)).params.seed).toBe('42');
  });

  it('should log more than one MLflow batch worth of entities', async () => {
    const runId = await newRun();
    const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, String(i)]));
    const metrics = Array.from({ length: 1200 }, (_, i) => ({
      key: 'loss',
      value: 1 / (i + 1),
      step: i,
      timestamp: i,
    }));
    await store.logBatch(runId, { params, metrics });
    const run = await store.getRun(runId);
    expect(Object.keys(run.params)).toHaveLength(150);
    expect(await store.getMetricHistory(runId, 'loss')).toHaveLength(1200);
  });

  it('should refuse a key longer than 250 characters naming the limit', async () => {
    const runId = await newRun();
    await expect(store.logBatch(runId, { tags: { ['k'.repeat(251)]: 'v' } })).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('250'),
    });
  });

  it('should finish a run with an end time', async () => {
    const runId = await newRun();
    await store.finishRun(runId, 'FINISHED', 1_795_783_240_000);
    const run = await store.getRun(runId);
    expect(run.status).toBe('FINISHED');
    expect(run.endTime).toBe(1_795_783_240_000);
  });

  it('should answer NOT_FOUND for an unknown run', async () => {
    await expect(store.getRun('0'.repeat(32))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('should find runs by tag, newest first', async () => {
    const experiment = await store.getOrCreateExperiment('search');
    const a = await store.createRun({ experimentId: experiment.experimentId, startTime: 1000, tags: { sync: 'no' } });
    const b = await store.createRun({ experimentId: experiment.experimentId, startTime: 2000, tags: { sync: 'no' } });
    await store.createRun({ experimentId: experiment.experimentId, startTime: 3000, tags: { sync: 'yes' } });
    const found = await store.searchRuns({ experimentIds: [experiment.experimentId], tags: { sync: 'no' } });
    expect(found.map((r) => r.runId)).toEqual([b.runId, a.runId]);
  });

  it('should round-trip binary artifacts byte for byte and list folders', async () => {
    const runId = await newRun();
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await store.uploadArtifact(runId, 'model/model.json', '{"a":1}');
    await store.uploadArtifact(runId, 'model/data/blob.bin', binary);
    await store.uploadArtifact(runId, 'training_stats.json', '{}');
    expect(await store.downloadArtifact(runId, 'model/data/blob.bin')).toEqual(binary);
    expect((await store.downloadArtifact(runId, 'model/model.json')).toString()).toBe('{"a":1}');
    expect(await store.listArtifacts(runId)).toEqual([
      { path: 'model', isDir: true },
      { path: 'training_stats.json', isDir: false, size: 2 },
    ]);
    expect(await store.listArtifacts(runId, 'model')).toEqual([
      { path: 'model/data', isDir: true },
      { path: 'model/model.json', isDir: false, size: 7 },
    ]);
  });

  it('should fail to download a missing artifact', async () => {
    const runId = await newRun();
    await expect(store.downloadArtifact(runId, 'nope.json')).rejects.toBeInstanceOf(TrackingStoreError);
  });

  it('should register numbered versions whose source is the run model folder', async () => {
    const runId = await newRun();
    await store.uploadArtifact(runId, 'model/model.json', '{"v":1}');
    const v1 = await store.registerModelVersion({ name: 'spam-classifier', runId, artifactPath: 'model' });
    const v2 = await store.registerModelVersion({
      name: 'spam-classifier',
      runId,
      artifactPath: 'model',
      tags: { k: 'v' },
    });
    expect([v1.version, v2.version]).toEqual(['1', '2']);
    expect(v1.status).toBe('READY');
    expect(v1.runId).toBe(runId);
    expect(v1.source).toMatch(new RegExp(`${runId}/artifacts/model$`));
    expect(v2.tags).toEqual({ k: 'v' });
    expect((await store.downloadModelVersionFile(v1, 'model.json')).toString()).toBe('{"v":1}');
    expect((await store.listModelVersions('spam-classifier')).map((v) => v.version)).toEqual(['2', '1']);
    expect(await store.listModelVersions('unknown-model')).toEqual([]);
  });

  it('should move aliases between versions, report them and delete them', async () => {
    const runId = await newRun();
    const v1 = await store.registerModelVersion({ name: 'spam-classifier', runId, artifactPath: 'model' });
    const v2 = await store.registerModelVersion({ name: 'spam-classifier', runId, artifactPath: 'model' });
    expect(await store.getVersionByAlias('spam-classifier', 'champion')).toBeUndefined();
    expect(await store.getVersionByAlias('no-such-model', 'champion')).toBeUndefined();
    await store.setAlias('spam-classifier', 'champion', v1.version);
    await store.setAlias('spam-classifier', 'challenger', v2.version);
    expect(await store.getVersionByAlias('spam-classifier', 'champion')).toMatchObject({
      version: '1',
      aliases: ['champion'],
    });
    await store.setAlias('spam-classifier', 'champion', v2.version);
    const versions = await store.listModelVersions('spam-classifier');
    expect(versions.map((v) => [v.version, [...v.aliases].sort()])).toEqual([
      ['2', ['challenger', 'champion']],
      ['1', []],
    ]);
    await store.deleteAlias('spam-classifier', 'challenger');
    expect(await store.getVersionByAlias('spam-classifier', 'challenger')).toBeUndefined();
  });

  it('should refuse reserved or malformed aliases and unknown versions', async () => {
    const runId = await newRun();
    await store.registerModelVersion({ name: 'spam-classifier', runId, artifactPath: 'model' });
    for (const alias of ['latest', 'v1', 'bad alias']) {
      await expect(store.setAlias('spam-classifier', alias, '1')).rejects.toMatchObject({ code: 'INVALID' });
    }
    await expect(store.setAlias('spam-classifier', 'champion', '9')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.getModelVersion('spam-classifier', '9')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('should keep tags set on a version', async () => {
    const runId = await newRun();
    const v1 = await store.registerModelVersion({ name: 'spam-classifier', runId, artifactPath: 'model' });
    await store.setModelVersionTag('spam-classifier', v1.version, 'gate.decision', 'champion');
    await store.setModelVersionTag('spam-classifier', v1.version, 'gate.decision', 'challenger');
    expect((await store.getModelVersion('spam-classifier', '1')).tags).toEqual({ 'gate.decision': 'challenger' });
  });
});

describe(`${LocalTrackingStore.name} on disk`, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-registry-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('should not lose versions registered concurrently by two processes sharing the folder', async () => {
    const trainer = new LocalTrackingStore(dir);
    const service = new LocalTrackingStore(dir);
    const experiment = await trainer.getOrCreateExperiment('exp');
    const run = await trainer.createRun({ experimentId: experiment.experimentId });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? trainer : service).registerModelVersion({
          name: 'spam-classifier',
          runId: run.runId,
          artifactPath: 'model',
        }),
      ),
    );
    const versions = await service.listModelVersions('spam-classifier');
    expect(versions.map((v) => v.version)).toEqual(['10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
  });

  it('should take over a lock left behind by a crashed process', async () => {
    const { mkdir, utimes } = await import('node:fs/promises');
    await mkdir(join(dir, '.lock'), { recursive: true });
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, '.lock'), old, old);
    expect((await new LocalTrackingStore(dir).getOrCreateExperiment('exp')).experimentId).toBe('1');
  });

  it('should say which file is damaged', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'experiments.json'), '{ half');
    await expect(new LocalTrackingStore(dir).getOrCreateExperiment('exp')).rejects.toThrow(
      `${join(dir, 'experiments.json')} is not valid JSON; the local registry is damaged`,
    );
  });
});

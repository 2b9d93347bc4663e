import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTrackingStore } from '../mlflow/local-tracking-store';
import { TrackingStoreError, type ExperimentRecord, type ModelVersionRecord } from '../mlflow/tracking-store';
import { readTrackingHistory } from './tracking-history';

const OPTIONS = { experimentName: 'spam-classifier-training', modelName: 'spam-classifier' };

describe(readTrackingHistory.name, () => {
  let dir: string;
  let store: LocalTrackingStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tracking-history-'));
    store = new LocalTrackingStore(join(dir, 'registry'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function trackedRun(modelVersion: string, f1: number, tags: Record<string, string> = {}, startTime = 0) {
    const experiment = await store.getOrCreateExperiment(OPTIONS.experimentName);
    const run = await store.createRun({
      experimentId: experiment.experimentId,
      runName: `run-${modelVersion}`,
      startTime,
      tags: { model_version: modelVersion, ...tags },
    });
    await store.logBatch(run.runId, {
      params: { algorithm: 'logistic_regression' },
      metrics: [
        { key: 'f1_score', value: f1 },
        { key: 'fp', value: 3 },
        { key: 'training_seconds', value: 2.5 },
      ],
    });
    await store.uploadArtifact(run.runId, 'model/model.json', '{}');
    await store.finishRun(run.runId, 'FINISHED');
    return run.runId;
  }

  it('should list runs with their key metrics and versions with aliases, gate decisions and the serving mark', async () => {
    const first = await trackedRun('m1', 0.91, {}, 1_000);
    const second = await trackedRun('m2', 0.95, { 'sync.status': 'not_synced' }, 2_000);
    const v1 = await store.registerModelVersion({ name: OPTIONS.modelName, runId: first, artifactPath: 'model' });
    await store.setAlias(OPTIONS.modelName, 'champion', v1.version);
    await store.setModelVersionTag(OPTIONS.modelName, v1.version, 'gate.decision', 'champion');
    await store.setModelVersionTag(OPTIONS.modelName, v1.version, 'gate.reason', 'no champion yet');

    const history = await readTrackingHistory(store, { ...OPTIONS, servingVersion: 'm1' });
    expect(history.error).toBeUndefined();
    expect(history.store).toEqual({ kind: 'local', location: store.location });
    expect(history.runs.map((r) => [r.runName, r.f1, r.fp, r.registeredVersion, r.notSynced, r.serving])).toEqual([
      ['run-m2', 0.95, 3, undefined, true, false],
      ['run-m1', 0.91, 3, '1', false, true],
    ]);
    expect(history.runs[0]).toMatchObject({ runId: second, algorithm: 'logistic_regression', trainingSeconds: 2.5 });
    expect(history.versions).toEqual([
      expect.objectContaining({
        version: '1',
        aliases: ['champion'],
        champion: true,
        challenger: false,
        modelVersion: 'm1',
        f1: 0.91,
        decision: 'champion',
        reason: 'no champion yet',
        serving: true,
      }),
    ]);
  });

  it("should read a version's metrics from its own run when that run is older than the runs listed", async () => {
    const old = await trackedRun('m1', 0.8, {}, 1_000);
    await trackedRun('m2', 0.9, {}, 2_000);
    await store.registerModelVersion({ name: OPTIONS.modelName, runId: old, artifactPath: 'model' });
    const history = await readTrackingHistory(store, { ...OPTIONS, limit: 1 });
    expect(history.runs.map((r) => r.runName)).toEqual(['run-m2']);
    expect(history.versions[0]).toMatchObject({ version: '1', f1: 0.8, modelVersion: 'm1', serving: false });
  });

  it('should give empty lists for a store with nothing tracked yet', async () => {
    const history = await readTrackingHistory(store, OPTIONS);
    expect(history).toMatchObject({ runs: [], versions: [] });
    expect(history).not.toHaveProperty('error');
  });

  it('should report a failing store as an error instead of throwing', async () => {
    class DownStore extends LocalTrackingStore {
      override listModelVersions(): Promise<ModelVersionRecord[]> {
        return Promise.reject(new TrackingStoreError('UNAVAILABLE', 'MLflow at http://127.0.0.1:1 is unreachable'));
      }
    }
    const history = await readTrackingHistory(new DownStore(join(dir, 'down')), OPTIONS);
    expect(history).toMatchObject({ runs: [], versions: [], error: 'MLflow at http://127.0.0.1:1 is unreachable' });
  });

  it('should give up on a store slower than the timeout', async () => {
    class HangingStore extends LocalTrackingStore {
      override getOrCreateExperiment(): Promise<ExperimentRecord> {
        return new Promise(() => undefined);
      }
      override listModelVersions(): Promise<ModelVersionRecord[]> {
        return new Promise(() => undefined);
      }
    }
    const history = await readTrackingHistory(new HangingStore(join(dir, 'slow')), { ...OPTIONS, timeoutMs: 50 });
    expect(history.error).toBe('no answer within 0.05 s');
  });
});

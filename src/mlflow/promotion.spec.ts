import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTrackingStore } from './local-tracking-store';
import {
  adoptServingAsChampion,
  CHAMPION_ALIAS,
  compareScores,
  evaluationMetricKey,
  GATE_TAGS,
  promoteIfBetter,
} from './promotion';

describe(compareScores.name, () => {
  it('should require F1 not lower and false positives not higher by default', () => {
    expect(compareScores({ test: { f1: 0.95, fp: 2 } }, { test: { f1: 0.95, fp: 2 } }).better).toBe(true);
    expect(compareScores({ test: { f1: 0.96, fp: 3 } }, { test: { f1: 0.95, fp: 2 } }).better).toBe(false);
    expect(compareScores({ test: { f1: 0.94, fp: 1 } }, { test: { f1: 0.95, fp: 2 } }).better).toBe(false);
  });

  it('should apply a configured rule on every common set', () => {
    const rule = { minF1Gain: 0.01, maxFpIncrease: 1 };
    const champion = { sms: { f1: 0.9, fp: 5 }, email: { f1: 0.95, fp: 3 } };
    expect(compareScores({ sms: { f1: 0.92, fp: 6 }, email: { f1: 0.96, fp: 3 } }, champion, rule)).toEqual({
      better: true,
      reason:
        'better on email: F1 0.9600 vs 0.9500 (need ≥ +0.01), FP 3 vs 3 (allowed +1); sms: F1 0.9200 vs 0.9000 (need ≥ +0.01), FP 6 vs 5 (allowed +1)',
    });
    expect(compareScores({ sms: { f1: 0.92, fp: 6 }, email: { f1: 0.955, fp: 3 } }, champion, rule)).toMatchObject({
      better: false,
      reason: expect.stringMatching(/^not better on email: /),
    });
  });

  it('should refuse to compare sets of different sizes or none in common', () => {
    expect(compareScores({ test: { f1: 1, fp: 0, n: 100 } }, { test: { f1: 0.5, fp: 9, n: 200 } })).toEqual({
      better: false,
      reason: 'no evaluation set in common with the champion, so it cannot be compared',
    });
    expect(compareScores({ a: { f1: 1, fp: 0 } }, { b: { f1: 0.5, fp: 9 } }).better).toBe(false);
  });
});

describe(promoteIfBetter.name, () => {
  let dir: string;
  let store: LocalTrackingStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gate-'));
    store = new LocalTrackingStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function candidate(f1: number, fp: number): Promise<string> {
    const experiment = await store.getOrCreateExperiment('spam-classifier-training');
    const run = await store.createRun({ experimentId: experiment.experimentId });
    await store.logBatch(run.runId, {
      metrics: [
        { key: evaluationMetricKey('sms', 'f1_score'), value: f1 },
        { key: evaluationMetricKey('sms', 'fp'), value: fp },
        { key: evaluationMetricKey('sms', 'n'), value: 1115 },
      ],
    });
    return (await store.registerModelVersion({ name: 'spam-classifier', runId: run.runId, artifactPath: 'model' }))
      .version;
  }

  const baseline = { label: 'the serving model m1', scores: { sms: { f1: 0.969, fp: 10, n: 1115 } } };

  it('should compare with what serves when no champion is registered, and refuse a worse model', async () => {
    const decision = await promoteIfBetter(store, {
      modelName: 'spam-classifier',
      version: await candidate(0.88, 17),
      baseline,
    });
    expect(decision).toMatchObject({
      decision: 'challenger',
      reason: expect.stringMatching(
        /^v1 vs the serving model m1 \(no champion registered\): not better on sms: F1 0\.8800/,
      ),
    });
    expect(await store.getVersionByAlias('spam-classifier', CHAMPION_ALIAS)).toBeUndefined();
  });

  it('should make a better model champion over what serves', async () => {
    const decision = await promoteIfBetter(store, {
      modelName: 'spam-classifier',
      version: await candidate(0.975, 8),
      baseline,
    });
    expect(decision.decision).toBe('champion');
    expect((await store.getVersionByAlias('spam-classifier', CHAMPION_ALIAS))?.version).toBe('1');
  });

  it('should still take "no champion yet" when nothing serves', async () => {
    const decision = await promoteIfBetter(store, { modelName: 'spam-classifier', version: await candidate(0.5, 90) });
    expect(decision).toMatchObject({ decision: 'champion', reason: 'no champion yet' });
  });
});

describe(adoptServingAsChampion.name, () => {
  it('should make the serving version champion only while there is none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'adopt-'));
    try {
      const store = new LocalTrackingStore(dir);
      const experiment = await store.getOrCreateExperiment('e');
      const runs = [
        await store.createRun({ experimentId: experiment.experimentId }),
        await store.createRun({ experimentId: experiment.experimentId }),
      ];
      for (const run of runs) await store.registerModelVersion({ name: 'm', runId: run.runId, artifactPath: 'model' });
      expect(await adoptServingAsChampion(store, { modelName: 'm', version: '1', reason: 'serving' })).toMatchObject({
        decision: 'champion',
      });
      expect(await adoptServingAsChampion(store, { modelName: 'm', version: '2', reason: 'serving' })).toBeUndefined();
      const champion = await store.getVersionByAlias('m', CHAMPION_ALIAS);
      expect(champion?.version).toBe('1');
      expect(champion?.tags).toMatchObject({ [GATE_TAGS.reason]: 'serving', [GATE_TAGS.previousChampion]: 'none' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { ModelHolder } from '../src/classifier/model-holder.service';
import { ChampionFollower } from '../src/classifier/champion-follower';
import { MlflowClient } from '../src/mlflow/client/mlflow-client';
import { mlflowConfigFrom } from '../src/mlflow/config/mlflow.config';
import { LocalTrackingStore } from '../src/mlflow/local-tracking-store';
import { MlflowTrackingStore } from '../src/mlflow/mlflow-tracking-store';
import { GATE_TAGS, promoteIfBetter, promoteVersion, rollbackChampion } from '../src/mlflow/promotion';
import { logTrainingRun, syncUnsyncedRuns, type RunLoggerOptions } from '../src/mlflow/run-logger';
import { MlflowServerDouble } from './doubles/mlflow-server';
import { trainModel, type TrainingResult } from '../src/training/trainer';
import { runPublisherFromConfig } from '../src/mlflow/publish-run';
import { publishInput } from '../src/training/publish-input';
import { SecretsService } from '../src/config/secrets.service';
import {
  EngineCodec,
  engineTrainingInput,
  figures,
  SyntheticArtifactCodec,
  TINY_HAM,
  TINY_SPAM,
  trainingInput,
} from './mlflow-fixtures';

describe('MLflow train → register → promote (e2e against the double)', () => {
  let double: MlflowServerDouble;
  let store: MlflowTrackingStore;
  let dir: string;
  let local: LocalTrackingStore;
  const warnings: string[] = [];
  let options: RunLoggerOptions;

  beforeEach(async () => {
    double = await MlflowServerDouble.start();
    store = new MlflowTrackingStore(new MlflowClient({ trackingUri: double.url, initialBackoffMs: 5 }));
    dir = await mkdtemp(join(tmpdir(), 'mlflow-e2e-'));
    local = new LocalTrackingStore(join(dir, 'registry'));
    warnings.length = 0;
    options = {
      experimentName: 'spam-classifier-training',
      modelName: 'spam-classifier',
      fallback: local,
      runTags: { buildNumber: '417', gitCommit: '3f9a1c2b', user: 'ci' },
      logger: { log: () => undefined, warn: (m) => warnings.push(m) },
    };
  });
  afterEach(async () => {
    await double.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should log a complete run and register it as a version sourced from the run model folder', async () => {
    const logged = await logTrainingRun(
      store,
      trainingInput('20261127T140512Z-3f9a1c2b', figures(140, 2, 963, 10)),
      options,
    );
    expect(logged).toMatchObject({ store: 'mlflow', synced: true, version: { version: '1', status: 'READY' } });
    const run = await store.getRun(logged.runId);
    expect(run.status).toBe('FINISHED');
    expect(run.params).toMatchObject({
      algorithm: 'naive_bayes',
      max_features: '5000',
      ngram_range: '[1,2]',
      seed: '42',
      train_rows: '4457',
      test_rows: '1115',
      training_spam: '747',
      training_ham: '4825',
      eval_test_rows: '1115',
      eval_test_spam: '150',
      'hyperparameters.alpha': '0.1',
    });
    expect(run.metrics).toMatchObject({ f1_score: expect.closeTo(0.9589, 3), fp: 2, fn: 10, training_seconds: 2.35 });
    for (const key of ['accuracy', 'precision', 'recall', 'mcc', 'roc_auc', 'eval/test/f1_score', 'cv_f1_score_mean']) {
      expect(run.metrics[key]).toEqual(expect.any(Number));
    }
    expect((await store.getMetricHistory(logged.runId, 'cv_f1_score')).map((p) => p.step)).toEqual([0, 1, 2]);
    expect(run.tags).toMatchObject({
      'mlflow.user': 'ci',
      'mlflow.source.name': 'spam-classifier/train',
      'mlflow.source.git.commit': '3f9a1c2b',
      build_number: '417',
      data_fingerprint: 'fp-20261127T140512Z-3f9a1c2b',
    });
    const files = [
      ...(await store.listArtifacts(logged.runId)),
      ...(await store.listArtifacts(logged.runId, 'model')),
      ...(await store.listArtifacts(logged.runId, 'reports')),
    ].map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'model/model.json',
        'training_stats.json',
        'model_card.md',
        'reports/confusion_matrix.png',
        'reports/confusion_matrix.svg',
      ]),
    );
    const png = await store.downloadArtifact(logged.runId, 'reports/confusion_matrix.png');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const card = (await store.downloadArtifact(logged.runId, 'model_card.md')).toString();
    expect(card).toContain('| test | 1115 |');
    expect(logged.version?.source).toBe(`mlflow-artifacts:/1/${logged.runId}/artifacts/model`);
    const bytes = await store.downloadModelVersionFile(logged.version!, 'model.json');
    expect(new SyntheticArtifactCodec().parse(bytes, 'v1').metadata.version).toBe('20261127T140512Z-3f9a1c2b');
    const decision = await promoteIfBetter(store, { modelName: 'spam-classifier', version: '1' });
    const version = await store.getModelVersion('spam-classifier', '1');
    expect(version.aliases).toEqual(['champion']);
    process.stdout.write(
      `${JSON.stringify({ run: await store.getRun(logged.runId), artifacts: files, version, decision }, null, 1)}\n`,
    );
  });

  it('should promote a better model, keep a worse one as challenger with its reason, and roll back', async () => {
    const first = await logTrainingRun(store, trainingInput('v-a', figures(140, 3, 962, 10)), options);
    expect(await promoteIfBetter(store, { modelName: 'spam-classifier', version: '1' })).toMatchObject({
      decision: 'champion',
      reason: 'no champion yet',
    });
    const better = await logTrainingRun(store, trainingInput('v-b', figures(143, 2, 963, 7)), options);
    const promoted = await promoteIfBetter(store, { modelName: 'spam-classifier', version: better.version!.version });
    expect(promoted).toMatchObject({ decision: 'champion', previousChampion: '1' });
    const worse = await logTrainingRun(store, trainingInput('v-c', figures(146, 5, 960, 4)), options);
    const refused = await promoteIfBetter(store, { modelName: 'spam-classifier', version: worse.version!.version });
    expect(refused.decision).toBe('challenger');
    expect(refused.reason).toBe(
      'v3 vs champion v2: not better on test: F1 0.9701 vs 0.9695 (need ≥ +0), FP 5 vs 2 (allowed +0)',
    );

    const versions = await store.listModelVersions('spam-classifier');
    expect(versions.map((v) => [v.version, v.aliases, v.tags[GATE_TAGS.decision]])).toEqual([
      ['3', ['challenger'], 'challenger'],
      ['2', ['champion'], 'champion'],
      ['1', [], 'champion'],
    ]);
    expect(versions[0].tags[GATE_TAGS.reason]).toBe(refused.reason);
    expect(versions[1].tags[GATE_TAGS.previousChampion]).toBe('1');
    expect(first.version?.version).toBe('1');

    expect(await rollbackChampion(store, { modelName: 'spam-classifier' })).toMatchObject({ version: '1' });
    expect((await store.getVersionByAlias('spam-classifier', 'champion'))?.version).toBe('1');
    expect((await store.getModelVersion('spam-classifier', '2')).tags[GATE_TAGS.decision]).toBe('rolled_back');

    await promoteVersion(store, { modelName: 'spam-classifier', version: '3', reason: 'accepted by the team' });
    const champion = await store.getVersionByAlias('spam-classifier', 'champion');
    expect(champion).toMatchObject({ version: '3', aliases: ['champion'] });
    expect(champion?.tags[GATE_TAGS.reason]).toBe('promoted by hand: accepted by the team');
    expect(await store.getVersionByAlias('spam-classifier', 'challenger')).toBeUndefined();
  });

  it('should apply a configured rule: a required F1 gain refuses an equal model', async () => {
    await logTrainingRun(store, trainingInput('v-a', figures(140, 3, 962, 10)), options);
    await promoteIfBetter(store, { modelName: 'spam-classifier', version: '1' });
    await logTrainingRun(store, trainingInput('v-b', figures(140, 3, 962, 10)), options);
    expect((await promoteIfBetter(store, { modelName: 'spam-classifier', version: '2' })).decision).toBe('champion');
    await logTrainingRun(store, trainingInput('v-c', figures(140, 3, 962, 10)), options);
    const strict = await promoteIfBetter(store, {
      modelName: 'spam-classifier',
      version: '3',
      rule: { minF1Gain: 0.005, maxFpIncrease: 0 },
    });
    expect(strict.decision).toBe('challenger');
  });

  it('should finish training while MLflow is down, keep the run locally as not synced, and sync it later', async () => {
    const down = new MlflowTrackingStore(
      new MlflowClient({ trackingUri: await MlflowServerDouble.unusedUrl(), maxAttempts: 2, initialBackoffMs: 5 }),
    );
    const logged = await logTrainingRun(down, trainingInput('v-offline', figures(140, 2, 963, 10)), options);
    expect(logged).toMatchObject({ store: 'local', synced: false });
    expect(logged.version).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unreachable .*ECONNREFUSED.*NOT SYNCED.*npm run models -- sync/);
    const saved = await local.getRun(logged.runId);
    expect(saved.tags['sync.status']).toBe('not_synced');
    expect(saved.params.algorithm).toBe('naive_bayes');

    const synced = await syncUnsyncedRuns(local, store, { experimentName: 'spam-classifier-training' });
    expect(synced).toEqual([
      { localRunId: logged.runId, remoteRunId: expect.stringMatching(/^[0-9a-f]{32}$/), version: '1' },
    ]);
    const remote = await store.getRun(synced[0].remoteRunId);
    expect(remote.params).toEqual(saved.params);
    expect(remote.tags['sync.local_run_id']).toBe(logged.runId);
    expect(remote.tags['sync.status']).toBeUndefined();
    expect(await store.getMetricHistory(remote.runId, 'cv_f1_score')).toHaveLength(3);
    expect((await store.downloadArtifact(remote.runId, 'model/model.json')).toString()).toBe(
      (await local.downloadArtifact(logged.runId, 'model/model.json')).toString(),
    );
    expect((await local.getRun(logged.runId)).tags).toMatchObject({
      'sync.status': 'synced',
      'sync.remote_version': '1',
    });
    expect(await syncUnsyncedRuns(local, store, { experimentName: 'spam-classifier-training' })).toEqual([]);
  });

  it('should fall back when MLflow fails mid-run with a lasting 503 and never put a secret in the warning', async () => {
    await double.close();
    double = await MlflowServerDouble.start({ auth: { token: 'tok-SECRET-1' } });
    store = new MlflowTrackingStore(
      new MlflowClient({
        trackingUri: double.url,
        initialBackoffMs: 5,
        maxAttempts: 2,
        credentials: () => ({ token: 'tok-SECRET-1' }),
      }),
    );
    double.inject({ kind: 'status', status: 503, times: 50, match: /mlflow-artifacts/ });
    const logged = await logTrainingRun(store, trainingInput('v-503', figures(140, 2, 963, 10)), options);
    expect(logged.synced).toBe(false);
    expect(warnings.join('\n')).toMatch(/503 TEMPORARILY_UNAVAILABLE/);
    expect(warnings.join('\n')).not.toContain('tok-SECRET-1');
    const localRun = await local.getRun(logged.runId);
    expect(JSON.stringify(localRun)).not.toContain('tok-SECRET-1');
  });
});

describe('MLflow with a real engine artifact (e2e against the double)', () => {
  let double: MlflowServerDouble;
  let store: MlflowTrackingStore;
  let dir: string;
  const options = { experimentName: 'spam-classifier-training', modelName: 'spam-classifier', runTags: { user: 'ci' } };

  beforeEach(async () => {
    double = await MlflowServerDouble.start();
    store = new MlflowTrackingStore(new MlflowClient({ trackingUri: double.url }));
    dir = await mkdtemp(join(tmpdir(), 'mlflow-engine-'));
  });
  afterEach(async () => {
    await double.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should train, register and promote a real model, serve it, and refuse a corrupted download', async () => {
    const codec = new EngineCodec();
    const first = engineTrainingInput(1, figures(140, 3, 962, 10), new Date('2026-11-27T14:00:00Z'));
    await logTrainingRun(store, first, options);
    expect((await promoteIfBetter(store, { modelName: 'spam-classifier', version: '1' })).decision).toBe('champion');
    const worse = engineTrainingInput(0.5, figures(141, 6, 959, 9), new Date('2026-11-27T14:05:00Z'));
    await logTrainingRun(store, worse, options);
    expect((await promoteIfBetter(store, { modelName: 'spam-classifier', version: '2' })).decision).toBe('challenger');

    const holder = new ModelHolder(codec);
    const config = mlflowConfigFrom({ MLFLOW_TRACKING_URI: double.url, MLFLOW_CHAMPION_CACHE_DIR: dir });
    const follower = new ChampionFollower(config, store, holder, codec);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await follower.start();
      await follower.stop();
      expect(holder.active()?.artifact.metadata.version).toBe(first.artifact.metadata.version);
      expect(holder.active()?.classifier.classify('claim your free cash prize now').label).toBe(1);
      expect(holder.active()?.classifier.classify('see you at home for dinner').label).toBe(0);

      const better = engineTrainingInput(10, figures(145, 2, 963, 5), new Date('2026-11-27T14:10:00Z'));
      await logTrainingRun(store, better, options);
      expect((await promoteIfBetter(store, { modelName: 'spam-classifier', version: '3' })).decision).toBe('champion');
      double.inject({ kind: 'corrupt-artifact' });
      const refused = await follower.pollOnce();
      expect(refused.lastError).toMatch(/^champion v3 refused: .*checksum/);
      expect(holder.active()?.artifact.metadata.version).toBe(first.artifact.metadata.version);
      expect((await follower.pollOnce()).lastError).toBeUndefined();
      expect(holder.active()?.artifact.metadata.version).toBe(better.artifact.metadata.version);
    } finally {
      await follower.stop();
      jest.restoreAllMocks();
    }
  });

  it('should track what the real trainer produces: params, CV steps, its report charts and training_stats.json', async () => {
    const rows = (texts: string[], label: 0 | 1) => texts.map((text) => ({ text, label, source: 'tiny' }));
    const result: TrainingResult = await trainModel({
      algorithm: 'logistic_regression',
      train: [...rows(TINY_SPAM, 1), ...rows(TINY_HAM, 0)],
      evaluationSets: { test: [...rows(TINY_SPAM.slice(0, 3), 1), ...rows(TINY_HAM.slice(0, 3), 0)] },
      outDir: join(dir, 'out'),
      cvFolds: 3,
      params: { C: 10, calibration: 'none' },
    });
    const env = { MLFLOW_TRACKING_URI: double.url, MLFLOW_LOCAL_REGISTRY_DIR: join(dir, 'registry'), USER: 'ci' };
    const publisher = runPublisherFromConfig(mlflowConfigFrom(env), new SecretsService(env));
    const tracked = await publisher.publish(await publishInput(result), { promote: true });
    expect(tracked.run).toMatchObject({ store: 'mlflow', synced: true, version: { version: '1' } });
    expect(tracked.promotion?.decision).toBe('champion');
    const run = await store.getRun(tracked.run.runId);
    expect(run.params).toMatchObject({ algorithm: 'logistic_regression', 'model.C': '10', seed: '42', n_train: '12' });
    expect(run.metrics).toMatchObject({ f1_score: result.evaluation.test.f1, fp: result.evaluation.test.fp });
    expect(run.metrics.cv_oof_f1_score).toBe(result.cv?.metrics.f1);
    expect((await store.getMetricHistory(run.runId, 'cv_f1_score')).map((p) => p.step)).toEqual([0, 1, 2]);
    const reports = (await store.listArtifacts(run.runId, 'reports')).map((f) => f.path);
    expect(reports).toEqual(expect.arrayContaining(['reports/roc_curve.png', 'reports/confusion_matrix_test.png']));
    expect(reports).not.toContain('reports/confusion_matrix.png');
    const stats = JSON.parse((await store.downloadArtifact(run.runId, 'training_stats.json')).toString()) as object;
    expect(stats).toMatchObject({ model_version: result.artifact.metadata.version, cross_validation: { folds: 3 } });
    const served = new EngineCodec().parse(
      await store.downloadModelVersionFile(tracked.run.version!, 'model.json'),
      'v1',
    );
    expect(served.checksum).toBe(result.artifact.checksum);
  });
});

import { Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelHolder } from '../src/classifier/model-holder.service';
import { ReadinessRegistry } from '../src/health/readiness.registry';
import { ChampionFollower } from '../src/classifier/champion-follower';
import { MlflowClient } from '../src/mlflow/client/mlflow-client';
import { mlflowConfigFrom, type MlflowConfig } from '../src/mlflow/config/mlflow.config';
import { ChampionFollowerHealthIndicator } from '../src/classifier/champion-follower.health-indicator';
import { LocalTrackingStore } from '../src/mlflow/local-tracking-store';
import { MlflowTrackingStore } from '../src/mlflow/mlflow-tracking-store';
import type { TrackingStore } from '../src/mlflow/tracking-store';
import { MlflowServerDouble } from './doubles/mlflow-server';
import { syntheticArtifactBytes, SyntheticArtifactCodec } from './mlflow-fixtures';

async function registerVersion(store: TrackingStore, artifactVersion: string, alias?: string): Promise<string> {
  const experiment = await store.getOrCreateExperiment('spam-classifier-training');
  const run = await store.createRun({ experimentId: experiment.experimentId });
  await store.uploadArtifact(run.runId, 'model/model.json', syntheticArtifactBytes(artifactVersion, artifactVersion));
  const version = await store.registerModelVersion({
    name: 'spam-classifier',
    runId: run.runId,
    artifactPath: 'model',
  });
  if (alias) await store.setAlias('spam-classifier', alias, version.version);
  return version.version;
}

async function eventually(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(ChampionFollower.name, () => {
  let double: MlflowServerDouble;
  let store: MlflowTrackingStore;
  let dir: string;
  let config: MlflowConfig;
  let holder: ModelHolder;
  let registry: ReadinessRegistry;
  let follower: ChampionFollower;
  const codec = new SyntheticArtifactCodec();
  let warn: jest.SpiedFunction<Logger['warn']>;

  beforeEach(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    double = await MlflowServerDouble.start();
    dir = await mkdtemp(join(tmpdir(), 'champion-'));
    config = mlflowConfigFrom({
      MLFLOW_TRACKING_URI: double.url,
      MLFLOW_CHAMPION_CACHE_DIR: dir,
      MLFLOW_POLL_INTERVAL_MS: '200',
      MLFLOW_MAX_ATTEMPTS: '2',
    });
    store = new MlflowTrackingStore(new MlflowClient({ trackingUri: double.url, maxAttempts: 2, initialBackoffMs: 5 }));
    holder = new ModelHolder(codec);
    registry = new ReadinessRegistry();
    follower = new ChampionFollower(config, store, holder, codec, undefined, registry);
  });
  afterEach(async () => {
    await follower.stop();
    await double.close();
    await rm(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  it('should load the champion at start, verify it, serve it and keep a local copy', async () => {
    await registerVersion(store, 'a', 'champion');
    follower.onApplicationBootstrap();
    await follower.whenStarted();
    expect(holder.active()?.source).toBe('mlflow:models:/spam-classifier@champion (v1)');
    expect(holder.active()?.artifact.metadata.version).toBe('a');
    expect(holder.active()?.classifier.classify('a sale').label).toBe(1);
    expect(follower.state()).toMatchObject({
      version: '1',
      fromLocalCopy: false,
      consecutiveFailures: 0,
    });
    expect(JSON.parse(await readFile(join(dir, 'champion.meta.json'), 'utf8'))).toMatchObject({ version: '1' });
    expect((await readFile(join(dir, 'champion.json'))).toString()).toBe(syntheticArtifactBytes('a', 'a'));
    const [check] = registry.all();
    expect(check).toMatchObject({ name: 'mlflow', required: false });
    expect(await check.check()).toMatchObject({ up: true, details: { version: '1' } });
  });

  it('should swap to a new champion within a poll interval', async () => {
    await registerVersion(store, 'a', 'champion');
    follower.onApplicationBootstrap();
    await follower.whenStarted();
    const swaps: string[] = [];
    holder.onSwap((current) => swaps.push(current.source));
    await registerVersion(store, 'b', 'champion');
    await eventually(() => holder.active()?.artifact.metadata.version === 'b');
    expect(swaps).toEqual(['mlflow:models:/spam-classifier@champion (v2)']);
    expect(follower.state().version).toBe('2');
  });

  it('should refuse a corrupted download, keep the last good model, say so, and recover', async () => {
    await registerVersion(store, 'a', 'champion');
    follower.onApplicationBootstrap();
    await follower.whenStarted();
    await follower.stop();
    await registerVersion(store, 'b', 'champion');
    double.inject({ kind: 'corrupt-artifact' });
    const state = await follower.pollOnce();
    expect(state.lastError).toMatch(/^champion v2 refused: .*checksum mismatch/);
    expect(holder.active()?.artifact.metadata.version).toBe('a');
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/keeping model a from mlflow:models:\/spam-classifier@champion \(v1\)/),
    );
    const health = new ChampionFollowerHealthIndicator(new HealthIndicatorService(), follower).isHealthy();
    expect(health.mlflow).toMatchObject({ status: 'degraded', version: '1', lastError: state.lastError });
    expect((await follower.pollOnce()).lastError).toBeUndefined();
    expect(holder.active()?.artifact.metadata.version).toBe('b');
    expect(new ChampionFollowerHealthIndicator(new HealthIndicatorService(), follower).isHealthy().mlflow.status).toBe(
      'up',
    );
  });

  it('should keep serving through an outage (500, 503, 429) and report it', async () => {
    await registerVersion(store, 'a', 'champion');
    follower.onApplicationBootstrap();
    await follower.whenStarted();
    await follower.stop();
    double.inject({ kind: 'status', status: 500 });
    expect((await follower.pollOnce()).lastError).toMatch(/HTTP 500 INTERNAL_ERROR/);
    double.inject({ kind: 'status', status: 503, times: 2 });
    expect((await follower.pollOnce()).lastError).toMatch(/unavailable: HTTP 503 TEMPORARILY_UNAVAILABLE/);
    double.inject({ kind: 'status', status: 429, times: 2 });
    const state = await follower.pollOnce();
    expect(state).toMatchObject({ consecutiveFailures: 3, version: '1' });
    expect(holder.active()?.artifact.metadata.version).toBe('a');
    expect(await registry.all()[0].check()).toMatchObject({ up: false });
    expect((await follower.pollOnce()).consecutiveFailures).toBe(0);
  });

  it('should start from the local copy while MLflow is down, then return to the registry', async () => {
    await registerVersion(store, 'a', 'champion');
    follower.onApplicationBootstrap();
    await follower.whenStarted();
    await follower.stop();

    const restartedHolder = new ModelHolder(codec);
    const restarted = new ChampionFollower(config, store, restartedHolder, codec);
    double.inject({ kind: 'status', status: 503, times: 10 });
    restarted.onApplicationBootstrap();
    await restarted.whenStarted();
    try {
      expect(restartedHolder.active()?.source).toBe('mlflow:models:/spam-classifier@champion (v1) local copy');
      expect(restarted.state()).toMatchObject({
        fromLocalCopy: true,
        version: '1',
        lastError: expect.stringMatching(/503/),
      });
      double.clearFaults();
      await eventually(() => restarted.state().fromLocalCopy === false);
      expect(restarted.state()).toMatchObject({ version: '1', lastError: undefined });
    } finally {
      await restarted.stop();
    }
  });

  it('should start without a model when MLflow is down and there is no local copy, and say why', async () => {
    const down = new MlflowTrackingStore(
      new MlflowClient({ trackingUri: await MlflowServerDouble.unusedUrl(), maxAttempts: 1 }),
    );
    const lonely = new ChampionFollower(config, down, holder, codec);
    lonely.onApplicationBootstrap();
    await lonely.whenStarted();
    await lonely.stop();
    expect(holder.active()).toBeUndefined();
    expect(lonely.state().lastError).toMatch(/ECONNREFUSED/);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/no local copy of the champion/));
  });

  it('should report a registry without a champion', async () => {
    await registerVersion(store, 'a');
    expect((await follower.pollOnce()).lastError).toBe('spam-classifier@champion is not set in the registry yet');
  });

  it('should follow the local registry the same way (no MLFLOW_TRACKING_URI)', async () => {
    const local = new LocalTrackingStore(join(dir, 'registry'));
    const localConfig = mlflowConfigFrom({
      MLFLOW_CHAMPION_CACHE_DIR: join(dir, 'cache'),
      MLFLOW_POLL_INTERVAL_MS: '200',
    });
    const onDisk = new ChampionFollower(localConfig, local, holder, codec, undefined, registry);
    await registerVersion(local, 'a', 'champion');
    onDisk.onApplicationBootstrap();
    try {
      expect(registry.conditions().map((c) => c.name)).toEqual(['champion']);
      await onDisk.whenStarted();
      expect(registry.conditions()).toHaveLength(0);
      expect(holder.active()?.source).toBe('registry:models:/spam-classifier@champion (v1)');
      await registerVersion(local, 'b', 'champion');
      await eventually(() => holder.active()?.artifact.metadata.version === 'b');
      expect(onDisk.state()).toMatchObject({ version: '2', store: `local ${local.location}`, lastError: undefined });
      await local.setAlias('spam-classifier', 'champion', '1');
      await eventually(() => holder.active()?.artifact.metadata.version === 'a');
      expect(
        new ChampionFollowerHealthIndicator(new HealthIndicatorService(), onDisk).isHealthy().mlflow,
      ).toMatchObject({
        status: 'up',
        version: '1',
      });
    } finally {
      await onDisk.onModuleDestroy();
    }
  });
});

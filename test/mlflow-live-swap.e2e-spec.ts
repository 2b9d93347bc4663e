import { Module } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../src/app/app.module';
import { ModelHolder } from '../src/classifier/model-holder.service';
import { ChampionFollower } from '../src/classifier/champion-follower';
import { MlflowClient } from '../src/mlflow/client/mlflow-client';
import { ChampionFollowerHealthIndicator } from '../src/classifier/champion-follower.health-indicator';
import { ChampionFollowerModule } from '../src/classifier/champion-follower.module';
import { MlflowTrackingStore } from '../src/mlflow/mlflow-tracking-store';
import { MlflowServerDouble } from './doubles/mlflow-server';
import { keywordArtifact, KeywordArtifactCodec, writeKeywordArtifact } from './fixtures/service/keyword-classifier';

async function registerChampion(store: MlflowTrackingStore, artifactVersion: string): Promise<string> {
  const experiment = await store.getOrCreateExperiment('spam-classifier-training');
  const run = await store.createRun({ experimentId: experiment.experimentId });
  const artifact = keywordArtifact(artifactVersion, '2026-11-27T14:00:00.000Z');
  await store.uploadArtifact(run.runId, 'model/model.json', JSON.stringify(artifact));
  const version = await store.registerModelVersion({
    name: 'spam-classifier',
    runId: run.runId,
    artifactPath: 'model',
  });
  await store.setAlias('spam-classifier', 'champion', version.version);
  return version.version;
}

async function eventually(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The service follows the registry under load: the application (AppModule + ChampionFollowerModule) serves predictions
 * from many concurrent clients while the champion alias moves; every request must succeed.
 */
describe('live champion swap under load (service + MLflow double)', () => {
  let double: MlflowServerDouble;
  let dir: string;
  let app: NestFastifyApplication;
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    double = await MlflowServerDouble.start();
    dir = await mkdtemp(join(tmpdir(), 'live-swap-'));
    const env: Record<string, string> = {
      MODEL_DIR: join(dir, 'models'),
      MLFLOW_TRACKING_URI: double.url,
      MLFLOW_POLL_INTERVAL_MS: '300',
      MLFLOW_CHAMPION_CACHE_DIR: join(dir, 'champion'),
      THROTTLE_LIMIT: '1000000',
      LOG_LEVEL: 'warn',
    };
    for (const [key, value] of Object.entries(env)) {
      saved.set(key, process.env[key]);
      process.env[key] = value;
    }
    writeKeywordArtifact(env.MODEL_DIR, 'file.json', keywordArtifact('from-model-dir', '2026-11-01T00:00:00.000Z'));
    const store = new MlflowTrackingStore(new MlflowClient({ trackingUri: double.url }));
    await registerChampion(store, 'champion-v1');

    @Module({ imports: [ChampionFollowerModule.forRoot()] })
    class RegistryConsumer {}

    @Module({
      imports: [
        AppModule.register({ codec: new KeywordArtifactCodec(), logStream: { write: () => undefined } }),
        ChampionFollowerModule.forRoot(),
        RegistryConsumer,
      ],
    })
    class ServiceWithRegistry {}

    app = await NestFactory.create<NestFastifyApplication>(
      ServiceWithRegistry,
      new FastifyAdapter({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false } } }),
      { logger: false },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
    await double.close();
    await rm(dir, { recursive: true, force: true });
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('should serve the champion at start and swap to a new one with zero failed requests', async () => {
    const holder = app.get(ModelHolder);
    await eventually(() => holder.active()?.artifact.metadata.version === 'champion-v1');
    expect(holder.active()?.source).toBe('mlflow:models:/spam-classifier@champion (v1)');

    const url = `${await app.getUrl()}/api/v1/predictions`.replace('[::1]', '127.0.0.1');
    const counts = { requests: 0, failures: 0, byVersion: {} as Record<string, number> };
    const failures: string[] = [];
    let stop = false;
    const client = async (): Promise<void> => {
      while (!stop) {
        counts.requests++;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text: 'WINNER! claim your free prize now' }),
          });
          const body = (await response.json()) as { model?: { version?: string } };
          if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
          const version = body.model?.version ?? '?';
          counts.byVersion[version] = (counts.byVersion[version] ?? 0) + 1;
        } catch (error) {
          counts.failures++;
          failures.push(String(error));
        }
      }
    };
    const swaps: Array<{ source: string; atRequest: number }> = [];
    holder.onSwap((current) => swaps.push({ source: current.source, atRequest: counts.requests }));

    const clients = Array.from({ length: 16 }, () => client());
    await eventually(() => counts.requests > 300);
    const promotedAt = Date.now();
    await registerChampion(new MlflowTrackingStore(new MlflowClient({ trackingUri: double.url })), 'champion-v2');
    await eventually(() => holder.active()?.artifact.metadata.version === 'champion-v2');
    const swapMs = Date.now() - promotedAt;
    const atSwap = counts.requests;
    await eventually(() => counts.requests > atSwap + 300);
    stop = true;
    await Promise.all(clients);

    process.stdout.write(
      `live swap: ${counts.requests} requests, ${counts.failures} failed, by model ${JSON.stringify(counts.byVersion)}, ` +
        `swap ${swapMs} ms after the alias moved (poll interval 300 ms)\n`,
    );
    expect(failures).toEqual([]);
    expect(counts.byVersion['champion-v1']).toBeGreaterThan(0);
    expect(counts.byVersion['champion-v2']).toBeGreaterThan(0);
    expect(swaps.map((s) => s.source)).toEqual(['mlflow:models:/spam-classifier@champion (v2)']);
    expect(app.get(ChampionFollower).state()).toMatchObject({ version: '2', consecutiveFailures: 0 });
    // ChampionFollowerModule imported by two modules is still one module: one follower polling the registry.
    const followers = [...app.get(ModulesContainer).values()].flatMap((m) =>
      [...m.providers.values()].filter((p) => p.metatype === ChampionFollower),
    );
    expect(followers).toHaveLength(1);
    expect(app.get(ChampionFollowerHealthIndicator).isHealthy().mlflow).toMatchObject({ status: 'up', version: '2' });
  });
});

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionAppOptions } from '../src/app/production-wiring';
import { ChampionFollower } from '../src/classifier/champion-follower';
import { ModelHolder } from '../src/classifier/model-holder.service';
import {
  createArtifact,
  fitModel,
  fitTfidfVectorizer,
  DEFAULT_VECTORIZER_CONFIG,
  serializeArtifact,
} from '../src/engine';
import { runModelsCli } from '../src/mlflow/cli/models.cli';
import { mlflowConfigFrom } from '../src/mlflow/config/mlflow.config';
import { GATE_TAGS } from '../src/mlflow/promotion';
import { runPublisherFromConfig } from '../src/mlflow/publish-run';
import type { EvaluationFigures, TrainingRunInput } from '../src/mlflow/run-input';
import { LocalTrackingStore } from '../src/mlflow/local-tracking-store';
import { figures, TINY_HAM, TINY_SPAM } from './mlflow-fixtures';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

/** A real engine artifact whose metadata records `evaluation` figures, as the trainer writes them. */
function model(C: number, sms: EvaluationFigures, createdAt: string): TrainingRunInput {
  const texts = [...TINY_SPAM, ...TINY_HAM];
  const y = Uint8Array.from(texts, (_, i) => (i < TINY_SPAM.length ? 1 : 0));
  const { vectorizer, matrix } = fitTfidfVectorizer(texts, DEFAULT_VECTORIZER_CONFIG);
  const artifact = createArtifact({
    vectorizer,
    model: fitModel('logistic_regression', matrix, y, { C, calibration: 'none' }, { seed: 1 }),
    metrics: { evaluation: { sms } },
    training: {
      fingerprint: `tiny-${C}`,
      rows: texts.length,
      spam: TINY_SPAM.length,
      ham: TINY_HAM.length,
      sources: ['tiny'],
    },
    createdAt: new Date(createdAt),
  });
  return { artifactBytes: serializeArtifact(artifact), artifact, params: { C }, evaluation: { sms }, durationMs: 50 };
}

async function eventually(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The registry story on the default configuration (the local registry, no MLflow): the model the service starts
 * with becomes v1 champion; a worse candidate is refused against it; `models promote` and `models rollback` swap the
 * running service, and the model page says which version serves and which holds the alias.
 */
describe('one truth about what serves (local registry, running service)', () => {
  const base = join(tmpdir(), `spam-registry-story-${process.pid}`);
  const env = {
    MLFLOW_LOCAL_REGISTRY_DIR: join(base, 'registry'),
    MLFLOW_CHAMPION_CACHE_DIR: join(base, 'champion'),
    MLFLOW_POLL_INTERVAL_MS: '200',
  };
  const served = model(1, { ...figures(140, 10, 955, 10), f1: 0.969 }, '2026-12-01T10:00:00.000Z');
  const worse = model(0.01, { ...figures(120, 17, 948, 30), f1: 0.88 }, '2026-12-01T11:00:00.000Z');
  let t: TestApp;
  const models = async (...argv: string[]): Promise<string[]> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runModelsCli(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l) });
    expect({ code, err }).toEqual({ code: 0, err: [] });
    return out;
  };
  const servingVersion = () => t.app.get(ModelHolder).active()?.artifact.metadata.version;
  const page = async () => (await t.app.inject({ url: '/model' })).body;

  beforeAll(async () => {
    t = await startTestApp({
      ...productionAppOptions(),
      env: {
        ...env,
        FEEDBACK_DB_DIR: join(base, 'feedback'),
        TRAINING_OUT_DIR: join(base, 'training'),
        RETRAIN_CRON: '',
      },
      prepare: (dir) => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'model.json'), served.artifactBytes);
      },
    });
    await t.app.get(ChampionFollower).whenStarted();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('should register the model it started with as v1 champion, serving it without reloading', async () => {
    const list = await models('list');
    expect(list[0]).toBe(`spam-classifier in local ${env.MLFLOW_LOCAL_REGISTRY_DIR}: 1 version(s)`);
    expect(list[1]).toMatch(
      /^v1 +champion +sms f1=0\.9690 fp=10 .* serving \(model \S+\) when the registry had no champion$/,
    );
    expect(t.app.get(ChampionFollower).state()).toMatchObject({ version: '1', lastError: undefined });
    expect(t.app.get(ModelHolder).active()?.source).toBe('model.json');
    const card = (await t.app.inject({ url: '/api/v1/model' })).json();
    expect(card.version).toBe(served.artifact.metadata.version);
    const ready = (await t.app.inject({ url: '/health/ready' })).json();
    expect(ready).toMatchObject({ status: 'ok', info: { mlflow: { status: 'up' } } });
    expect(await page()).toContain('· v1 (champion)</span>');
  });

  it('should refuse a worse candidate against the champion that serves', async () => {
    const publisher = runPublisherFromConfig(mlflowConfigFrom(env), { get: () => undefined });
    const { run, promotion } = await publisher.publish(worse, { promote: true });
    expect(run.version?.version).toBe('2');
    expect(promotion).toMatchObject({ decision: 'challenger' });
    expect(promotion?.reason).toMatch(/^v2 vs champion v1: not better on sms: F1 0\.8800 vs 0\.9690/);
    await t.app.get(ChampionFollower).pollOnce();
    expect(servingVersion()).toBe(served.artifact.metadata.version);
  });

  it('should swap the running service on models promote and rollback, and the page should say so', async () => {
    expect(await models('promote', '2', '--reason', 'try it')).toEqual([
      'v2: champion (promoted by hand: try it); running services swap to it within 1 s',
    ]);
    await eventually(() => servingVersion() === worse.artifact.metadata.version);
    expect(t.app.get(ModelHolder).active()?.source).toBe('registry:models:/spam-classifier@champion (v2)');
    expect(await page()).toContain('· v2 (champion)</span>');

    expect(await models('rollback')).toEqual([
      'champion is v1 again (rolled back from v2); running services swap to it within 1 s',
    ]);
    await eventually(() => servingVersion() === served.artifact.metadata.version);
    expect(t.app.get(ChampionFollower).state()).toMatchObject({ version: '1', lastError: undefined });
    expect(await page()).toContain('· v1 (champion)</span>');
    const store = new LocalTrackingStore(env.MLFLOW_LOCAL_REGISTRY_DIR);
    expect((await store.getModelVersion('spam-classifier', '2')).tags[GATE_TAGS.decision]).toBe('rolled_back');
  });
});

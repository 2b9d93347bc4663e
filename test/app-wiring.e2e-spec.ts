import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionAppOptions } from '../src/app/production-wiring';
import { trainSmallRealModel } from './fixtures/service/real-model';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

/** The application as main.ts builds it: engine, Vault-backed secrets, MLflow (local registry), feedback, retraining. */
describe('the whole application wiring', () => {
  let t: TestApp;
  let version = '';
  const base = join(tmpdir(), `spam-wiring-${process.pid}`);

  beforeAll(async () => {
    t = await startTestApp({
      ...productionAppOptions(),
      env: {
        FEEDBACK_DB_DIR: join(base, 'feedback'),
        TRAINING_OUT_DIR: join(base, 'training'),
        MLFLOW_LOCAL_REGISTRY_DIR: join(base, 'mlruns'),
        MLFLOW_CHAMPION_CACHE_DIR: join(base, 'champion'),
        RETRAIN_CRON: '',
        ADMIN_API_TOKEN: 'wiring-token',
      },
      prepare: async (dir) => {
        mkdirSync(dir, { recursive: true });
        version = (await trainSmallRealModel(dir, 400)).artifact.metadata.version;
      },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('should serve predictions, readiness and the docs with every module loaded', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/predictions',
      headers: { 'content-type': 'application/json' },
      payload: '{"text":"WINNER! claim your free prize now"}',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().model.version).toBe(version);
    const docs = (await t.app.inject({ url: '/api/docs-json' })).json();
    process.env.ADMIN_API_TOKEN = 'wiring-token';
    const fb = await t.app.inject({ url: '/api/v1/feedback', headers: { authorization: 'Bearer wiring-token' } });
    delete process.env.ADMIN_API_TOKEN;
    expect(fb.statusCode).toBe(200);
    expect(Object.keys(docs.paths)).toEqual(
      expect.arrayContaining(['/api/v1/predictions', '/api/v1/feedback', '/api/v1/training/runs']),
    );
    const ready = await t.app.inject({ url: '/health/ready' });
    expect([200, 503]).toContain(ready.statusCode);
    expect(JSON.stringify(ready.json())).toContain('"model"');
  });
});

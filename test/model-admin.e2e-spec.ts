import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelHolder } from '../src/classifier/model-holder.service';
import { ModelLoader } from '../src/classifier/model-loader.service';
import { keywordArtifact, KeywordArtifactCodec, writeKeywordArtifact } from './fixtures/service/keyword-classifier';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

const TOKEN = 'admin-secret-token-0123456789';
const V1 = '20261101T000000Z-aaaa0001';
const V2 = '20261102T000000Z-bbbb0002';

describe('model routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      env: { ADMIN_API_TOKEN: TOKEN },
      prepare: (dir) => {
        writeKeywordArtifact(dir, 'v1.json', keywordArtifact(V1, '2026-11-01T00:00:00.000Z'));
        // The newest file is corrupt: start-up skips it and serves the newest loadable one.
        writeFileSync(join(dir, 'broken.json'), '{"format":"keyword-test-model","metadata":');
      },
    });
    process.env.ADMIN_API_TOKEN = TOKEN;
  });
  afterAll(async () => {
    delete process.env.ADMIN_API_TOKEN;
    await t.close();
  });

  const reload = (body: unknown, auth?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/model/reload',
      payload: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(auth ? { authorization: auth } : {}),
      },
    });

  it('should serve the newest loadable artifact and show its card', async () => {
    const res = await t.app.inject({ url: '/api/v1/model' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      version: V1,
      algorithm: 'logistic_regression',
      trained_at: '2026-11-01T00:00:00.000Z',
      training_data_fingerprint: `sha256:${V1}`,
      parameters: { C: 1 },
      metrics: { sms: expect.objectContaining({ f1: 0.93 }) },
      source: 'v1.json',
    });
    expect(res.json().metrics.sms).toMatchObject({ roc_auc: 0.99 });
    expect(res.json().training).toMatchObject({ rows: 4457, spam: 598, not_spam: 3859 });
    expect(res.body).not.toMatch(/rocAuc|"ham"/);
    expect(res.body).not.toContain(t.dir);
    expect(res.json().checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should refuse reloads without a token (401), with a wrong one (403)', async () => {
    const none = await reload({});
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ status_code: 401, error: 'Unauthorized', request_id: expect.any(String) });
    const wrong = await reload({}, 'Bearer not-the-token');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error).toBe('Forbidden');
    const malformed = await reload({}, 'Basic abc');
    expect(malformed.statusCode).toBe(401);
  });

  it('should load a newer artifact on reload without a restart', async () => {
    writeKeywordArtifact(t.modelDir, 'v2.json', keywordArtifact(V2, '2026-11-02T00:00:00.000Z'));
    const res = await reload(undefined, `Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().version).toBe(V2);
    expect((await t.app.inject({ url: '/api/v1/model' })).json().version).toBe(V2);
  });

  it('should load a named artifact by version or file name', async () => {
    expect((await reload({ artifact: V1 }, `Bearer ${TOKEN}`)).json().version).toBe(V1);
    expect((await reload({ artifact: 'v2.json' }, `Bearer ${TOKEN}`)).json().version).toBe(V2);
  });

  it('should answer 404 for an unknown artifact and 400 for a bad name, keeping the model', async () => {
    const missing = await reload({ artifact: 'nope' }, `Bearer ${TOKEN}`);
    expect(missing.statusCode).toBe(404);
    const bad = await reload({ artifact: '../../etc/passwd' }, `Bearer ${TOKEN}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('artifact');
    const extra = await reload({ artifact: V1, force: true }, `Bearer ${TOKEN}`);
    expect(extra.statusCode).toBe(400);
    expect(extra.json().details[0].field).toBe('force');
    expect((await t.app.inject({ url: '/api/v1/model' })).json().version).toBe(V2);
  });

  it('should refuse a corrupt artifact with 422 and keep serving the previous model', async () => {
    const res = await reload({ artifact: 'broken.json' }, `Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/^artifact broken\.json is not loadable: .*previous model keeps serving$/);
    expect(res.body).not.toContain(t.dir);
    expect(t.app.get(ModelHolder).active()?.artifact.metadata.version).toBe(V2);
  });

  it('should keep the previous model when a model fails to build', async () => {
    const holder = t.app.get(ModelHolder);
    const broken = {
      ...keywordArtifact('20261103T000000Z-cccc0003', '2026-11-03T00:00:00.000Z'),
      weights: null,
    } as never;
    expect(() => holder.swap(broken, 'test')).toThrow('weights missing');
    expect(holder.active()?.artifact.metadata.version).toBe(V2);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/predictions',
      payload: { text: 'win a free prize' },
    });
    expect(res.json().model.version).toBe(V2);
  });

  it('should tell swap listeners, and survive a listener that throws', () => {
    const holder = t.app.get(ModelHolder);
    const seen: string[] = [];
    const off = holder.onSwap((current, previous) =>
      seen.push(`${previous?.artifact.metadata.version}->${current.artifact.metadata.version}`),
    );
    const offBad = holder.onSwap(() => {
      throw new Error('listener bug');
    });
    holder.swap(keywordArtifact(V1, '2026-11-01T00:00:00.000Z'), 'test');
    off();
    offBad();
    expect(seen).toEqual([`${V2}->${V1}`]);
    expect(holder.active()?.source).toBe('test');
  });

  it('should list artifacts newest first with the unreadable ones marked', async () => {
    const entries = await t.app.get(ModelLoader).listArtifacts();
    expect(entries.map((e) => e.artifact?.metadata.version ?? `error:${e.file}`)).toEqual([
      V2,
      V1,
      'error:broken.json',
    ]);
  });
});

describe('admin routes without ADMIN_API_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    delete process.env.ADMIN_API_TOKEN;
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      prepare: (dir) => void writeKeywordArtifact(dir, 'v1.json', keywordArtifact(V1, '2026-11-01T00:00:00.000Z')),
    });
  });
  afterAll(() => t.close());

  it('should be disabled (403), never open', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/model/reload',
      headers: { authorization: 'Bearer anything' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('ADMIN_API_TOKEN is not configured');
  });
});

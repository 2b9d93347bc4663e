import { ModelLoader } from '../src/classifier/model-loader.service';
import { ReadinessRegistry } from '../src/health/readiness.registry';
import { keywordArtifact, KeywordArtifactCodec, writeKeywordArtifact } from './fixtures/service/keyword-classifier';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

const V1 = '20261101T000000Z-aaaa0001';
const json = (body: unknown) => ({ 'content-type': 'application/json', payload: JSON.stringify(body) });
const ADMIN_TOKEN = 'operations-admin-token-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

// The admin token is read per request from the environment (SecretsService), as a rotated secret would be.
beforeAll(() => {
  process.env.ADMIN_API_TOKEN = ADMIN_TOKEN;
});
afterAll(() => {
  delete process.env.ADMIN_API_TOKEN;
});

describe('health, KServe v2 and metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      prepare: (dir) => void writeKeywordArtifact(dir, 'v1.json', keywordArtifact(V1, '2026-11-01T00:00:00.000Z')),
    });
  });
  afterAll(() => t.close());

  it('should answer liveness with the process only', async () => {
    const res = await t.app.inject({ url: '/health/live', headers: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', info: { process: { status: 'up', pid: process.pid } } });
  });

  it('should answer readiness with the model details', async () => {
    const res = await t.app.inject({ url: '/health/ready', headers: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.json().info.model).toMatchObject({ status: 'up', version: V1, algorithm: 'logistic_regression' });
  });

  it.each(['/health/live', '/health/ready', '/ready'])(
    'should show %s statuses only without the admin token or with a wrong one',
    async (url) => {
      for (const headers of [{}, { authorization: 'Bearer not-the-token' }]) {
        const res = await t.app.inject({ url, headers });
        expect(res.statusCode).toBe(200);
        for (const group of ['info', 'details'])
          for (const indicator of Object.values(res.json()[group] as Record<string, object>))
            expect(Object.keys(indicator)).toEqual(['status']);
        expect(res.body).not.toContain(t.dir);
        expect(res.body).not.toContain(String(process.pid));
      }
    },
  );

  it('should turn unready for a required dependency that is down, and stay ready for an optional one', async () => {
    const registry = t.app.get(ReadinessRegistry);
    const offOptional = registry.register({
      name: 'mlflow',
      required: false,
      check: () => ({ up: false, details: { message: 'unreachable' } }),
    });
    const optional = await t.app.inject({ url: '/health/ready', headers: ADMIN });
    expect(optional.statusCode).toBe(200);
    expect(optional.json().info.mlflow).toMatchObject({ status: 'degraded', required: false });
    const offRequired = registry.register({
      name: 'database',
      required: true,
      check: () => Promise.reject(new Error('connection refused')),
    });
    const anonymous = await t.app.inject({ url: '/health/ready' });
    expect(anonymous.statusCode).toBe(503);
    expect(anonymous.json().message).toBe('not ready: database');
    expect(anonymous.json().details.error).toEqual({ database: { status: 'down' } });
    const required = await t.app.inject({ url: '/health/ready', headers: ADMIN });
    expect(required.statusCode).toBe(503);
    expect(required.json()).toMatchObject({
      status_code: 503,
      message: 'not ready: database',
      request_id: expect.any(String),
    });
    expect(required.json().details.error.database).toMatchObject({ status: 'down', message: 'connection refused' });
    offOptional();
    offRequired();
    expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(200);
  });

  it('should keep connections alive while not draining', async () => {
    expect((await t.app.inject({ url: '/health/live' })).headers.connection).not.toBe('close');
  });

  it('should answer the KServe v2 routes', async () => {
    expect((await t.app.inject({ url: '/v2/health/live' })).json()).toEqual({ live: true });
    expect((await t.app.inject({ url: '/v2/health/ready' })).json()).toEqual({ ready: true });
    expect((await t.app.inject({ url: '/v2' })).json()).toMatchObject({ name: 'spam-classifier' });
    expect((await t.app.inject({ url: '/v2/models/spam-classifier/ready' })).json()).toEqual({
      name: 'spam-classifier',
      ready: true,
    });
    const meta = (await t.app.inject({ url: '/v2/models/spam-classifier' })).json();
    expect(meta).toMatchObject({
      name: 'spam-classifier',
      versions: [V1],
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
    });
    const infer = await t.app.inject({
      method: 'POST',
      url: '/v2/models/spam-classifier/infer',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        id: 'r1',
        inputs: [{ name: 'text', shape: [2], datatype: 'BYTES', data: ['winner claim your prize', 'lunch tomorrow?'] }],
      }),
    });
    expect(infer.statusCode).toBe(200);
    expect(infer.json()).toEqual({
      model_name: 'spam-classifier',
      model_version: V1,
      id: 'r1',
      parameters: { threshold: 0.5, threshold_source: 'model' },
      outputs: [
        { name: 'label', shape: [2], datatype: 'BYTES', data: ['spam', 'not_spam'] },
        { name: 'spam_probability', shape: [2], datatype: 'FP64', data: [expect.any(Number), expect.any(Number)] },
      ],
    });
    const only = await t.app.inject({
      method: 'POST',
      url: '/v2/models/spam-classifier/infer',
      ...json({
        inputs: [{ name: 'text', shape: [-1], datatype: 'BYTES', data: ['hello'] }],
        outputs: [{ name: 'label' }],
      }),
      headers: { 'content-type': 'application/json' },
    });
    expect(only.json().outputs.map((o: { name: string }) => o.name)).toEqual(['label']);
  });

  it.each([
    [
      'a wrong datatype',
      { inputs: [{ name: 'text', shape: [1], datatype: 'FP32', data: ['x'] }] },
      'inputs.0.datatype',
    ],
    [
      'a wrong input name',
      { inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: ['x'] }] },
      'inputs.0.name',
    ],
    [
      'a shape that does not match',
      { inputs: [{ name: 'text', shape: [3], datatype: 'BYTES', data: ['x'] }] },
      'inputs.0.shape',
    ],
    ['no inputs', { inputs: [] }, 'inputs'],
  ])('should refuse KServe inference with %s (400 naming the field)', async (_case, body, field) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/models/spam-classifier/infer',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('should expose Prometheus metrics with requests, predictions and the model info', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/predictions',
      headers: { 'content-type': 'application/json' },
      payload: '{"text":"winner prize"}',
    });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const body = res.body;
    expect(body).toMatch(
      /http_requests_total\{[^}]*method="POST"[^}]*route="\/api\/v1\/predictions"[^}]*status="200"[^}]*\} [1-9]/,
    );
    expect(body).toMatch(/http_request_duration_seconds_bucket\{/);
    expect(body).toMatch(new RegExp(`spam_predictions_total\\{[^}]*prediction="spam"[^}]*model_version="${V1}"`));
    expect(body).toMatch(
      new RegExp(`spam_model_info\\{[^}]*version="${V1}"[^}]*algorithm="logistic_regression"[^}]*\\} 1`),
    );
    expect(body).toContain('spam_model_load_seconds');
    expect(body).toMatch(new RegExp(`spam_model_threshold\\{version="${V1}",channel="any"\\} 0\\.5\n`));
    expect(body).toContain('process_resident_memory_bytes');
    // Open to all: no runtime version, host name or path.
    expect(body).not.toContain('nodejs_version_info');
    expect(body).not.toContain(process.version);
    expect(body).not.toContain('test-pod');
    expect(body).not.toContain(t.dir);
    expect(body).not.toContain('source=');
  });

  it('should turn readiness false while draining for shutdown, liveness staying true', async () => {
    t.app.get(ReadinessRegistry).beginDrain();
    const ready = await t.app.inject({ url: '/health/ready', headers: ADMIN });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().details.error.shutdown).toMatchObject({ status: 'down', message: 'draining for shutdown' });
    expect((await t.app.inject({ url: '/v2/health/ready' })).statusCode).toBe(503);
    expect((await t.app.inject({ url: '/health/live' })).statusCode).toBe(200);
    // Keep-alive clients are told to reconnect (to another pod), whatever the route.
    expect(ready.headers.connection).toBe('close');
    const predicted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/predictions',
      headers: { 'content-type': 'application/json' },
      payload: '{"text":"still answered while draining"}',
    });
    expect(predicted.statusCode).toBe(200);
    expect(predicted.headers.connection).toBe('close');
  });
});

describe('start-up without a model', () => {
  it('should stay unready with a reason when no artifact and no trainer exist', async () => {
    const t = await startTestApp({ codec: new KeywordArtifactCodec() });
    try {
      const ready = await t.app.inject({ url: '/health/ready', headers: ADMIN });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().details.error.model.message).toContain('no model artifact in');
      const predict = await t.app.inject({
        method: 'POST',
        url: '/api/v1/predictions',
        headers: { 'content-type': 'application/json' },
        payload: '{"text":"hi"}',
      });
      expect(predict.statusCode).toBe(503);
      expect(predict.json()).toMatchObject({
        status_code: 503,
        error: 'Service Unavailable',
        message: expect.stringContaining('no model is loaded yet'),
      });
      expect((await t.app.inject({ url: '/api/v1/model' })).statusCode).toBe(503);
      expect((await t.app.inject({ url: '/v2/models/spam-classifier/ready' })).statusCode).toBe(503);
      expect((await t.app.inject({ url: '/health' })).json()).toMatchObject({
        model_loaded: false,
        model_version: null,
      });
    } finally {
      await t.close();
    }
  });

  it('should train the default model into MODEL_DIR and serve it, readiness false until then', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const startedAt = new Date();
    let progress: { done: number; total: number; stage: string } | undefined;
    let training = true;
    const trainer = {
      training: () => (training ? { startedAt, step: progress } : undefined),
      train: async (outDir: string) => {
        await gate;
        training = false;
        return {
          artifactPath: writeKeywordArtifact(
            outDir,
            'trained.json',
            keywordArtifact('20261105T000000Z-trained1', '2026-11-05T00:00:00.000Z'),
          ),
        };
      },
    };
    const t = await startTestApp({ codec: new KeywordArtifactCodec(), trainer, waitForModel: false });
    try {
      expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(503);
      // The port answers while the first model trains: the API says when to retry, the page how far it is.
      const predict = await t.app.inject({
        method: 'POST',
        url: '/api/v1/predictions',
        headers: { 'content-type': 'application/json' },
        payload: '{"text":"hi"}',
      });
      expect(predict.statusCode).toBe(503);
      expect(predict.headers['retry-after']).toBe('5');
      expect(predict.json().message).toContain('no model is loaded yet');
      let page = await t.app.inject({ url: '/' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<meta http-equiv="refresh" content="5">');
      expect(page.body).toMatch(/Training the first model… reading the training data<\/strong>/);
      expect(page.body).toMatch(/\d+ s so far; the first model usually takes 20–40 s/);
      progress = { done: 1, total: 4, stage: 'evaluate' };
      page = await t.app.inject({ url: '/' });
      expect(page.body).toContain(
        'Training the first model… 25 % of the steps done (step 2 of 4: evaluating it on the test rows)',
      );
      release();
      await t.app.get(ModelLoader).whenStarted();
      expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/api/v1/model' })).json().version).toBe('20261105T000000Z-trained1');
      page = await t.app.inject({ url: '/' });
      expect(page.body).not.toContain('http-equiv="refresh"');
      expect(page.body).not.toContain('id="no-model"');
    } finally {
      await t.close();
    }
  });

  it('should load the artifact named by MODEL_PATH, and stay unready when it is refused', async () => {
    const good = await startTestApp({
      codec: new KeywordArtifactCodec(),
      env: { MODEL_PATH: '/nonexistent/placeholder.json' },
    });
    try {
      const ready = await good.app.inject({ url: '/health/ready', headers: ADMIN });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().details.error.model.message).toBe('cannot read model artifact placeholder.json (ENOENT)');
    } finally {
      await good.close();
    }
  });
});

describe('prediction logs an operator can afford (PREDICTION_LOG_SAMPLE_RATE)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      env: { PREDICTION_LOG_SAMPLE_RATE: '0' },
      prepare: (dir) => void writeKeywordArtifact(dir, 'v1.json', keywordArtifact(V1, '2026-11-01T00:00:00.000Z')),
    });
  });
  afterAll(() => t.close());

  it('should write no prediction line at 0 while the metrics count every prediction', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/predictions',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ text: `win a prize ${i}` }),
      });
      expect(res.statusCode).toBe(200);
    }
    expect(t.logs.filter((l) => l.msg === 'prediction')).toEqual([]);
    const body = (await t.app.inject({ url: '/metrics' })).body;
    const line = body.split('\n').find((l) => l.startsWith('spam_predictions_total{') && l.includes(V1));
    expect(Number(line?.split(' ').pop())).toBe(20);
  });
});

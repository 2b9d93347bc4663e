import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenAPIObject } from '@nestjs/swagger';
import { keywordArtifact, KeywordArtifactCodec, writeKeywordArtifact } from './fixtures/service/keyword-classifier';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

const BODIES: Record<string, unknown> = {
  'POST /api/v1/predictions': { text: 'WINNER! claim your prize' },
  'POST /api/v1/predictions/batch': { messages: [{ text: 'lunch tomorrow?' }] },
  'POST /predict': { text: 'free entry, txt now' },
  'POST /v2/models/spam-classifier/infer': { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['hi'] }] },
  'POST /api/v1/model/reload': {},
};

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenAPIObject;
  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      prepare: (dir) =>
        void writeKeywordArtifact(
          dir,
          'v1.json',
          keywordArtifact('20261101T000000Z-aaaa0001', '2026-11-01T00:00:00.000Z'),
        ),
    });
    const res = await t.app.inject({ url: '/api/docs-json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(() => t.close());

  it('should be a valid OpenAPI document', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('should document every API route with the error schema', () => {
    const routes = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/predictions',
        'POST /api/v1/predictions/batch',
        'GET /api/v1/model',
        'POST /api/v1/model/reload',
        'GET /v2/health/live',
        'GET /v2/health/ready',
        'GET /v2/models/spam-classifier',
        'GET /v2/models/spam-classifier/ready',
        'POST /v2/models/spam-classifier/infer',
        'POST /predict',
        'GET /health',
        'GET /ready',
        'GET /info',
        'GET /metrics',
        'GET /health/live',
        'GET /health/ready',
      ]),
    );
    const predictions = doc.paths['/api/v1/predictions'].post!;
    expect(Object.keys(predictions.responses)).toEqual(expect.arrayContaining(['200', '400', '413', '429', '503']));
    expect(JSON.stringify(predictions.responses['400'])).toContain('#/components/schemas/ErrorResponseDto');
    expect(doc.components?.schemas?.ErrorResponseDto).toBeDefined();
    expect(JSON.stringify(doc.components?.schemas?.PredictionRequestDto)).toContain('WINNER');
  });

  it('should document the explanation as words with weights in a named unit, on the single and batch routes', () => {
    const schemas = doc.components!.schemas as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(schemas.ExplanationDto.properties!).sort()).toEqual([
      'baseline',
      'total',
      'towards_not_spam',
      'towards_spam',
      'unit',
    ]);
    expect(schemas.ExplanationDto.properties!.unit).toMatchObject({ enum: ['log_odds', 'probability'] });
    expect(Object.keys(schemas.WordWeightDto.properties!).sort()).toEqual(['weight', 'word']);
    expect(schemas.BatchResultDto.properties!.explanation).toBeDefined();
    for (const path of ['/api/v1/predictions', '/api/v1/predictions/batch']) {
      const parameters = doc.paths[path].post!.parameters as Array<{ name: string; description?: string }>;
      expect(parameters.find((p) => p.name === 'explain')?.description).toContain('log-odds');
    }
  });

  it('should answer 200 on every documented route (401 on the admin route without a token)', async () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        const body = BODIES[key];
        const res = await t.app.inject({
          method: method.toUpperCase() as 'GET',
          url: path,
          ...(body === undefined
            ? {}
            : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        });
        const acceptable = key === 'POST /api/v1/model/reload' ? [401] : [200];
        if (!acceptable.includes(res.statusCode)) problems.push(`${key} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('should serve the Swagger UI page', async () => {
    const res = await t.app.inject({ url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger-ui');
    const init = await t.app.inject({ url: '/api/docs/swagger-ui-init.js' });
    expect(init.statusCode).toBe(200);
  });
});

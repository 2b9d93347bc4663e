import fc from 'fast-check';
import { mkdirSync } from 'node:fs';
import { EngineArtifactCodec } from '../src/classifier/engine-adapters';
import { trainSmallRealModel } from './fixtures/service/real-model';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

const TARGETS = [
  { method: 'POST', url: '/api/v1/predictions' },
  { method: 'POST', url: '/api/v1/predictions?explain=true' },
  { method: 'POST', url: '/api/v1/predictions/batch' },
  { method: 'POST', url: '/predict' },
  { method: 'POST', url: '/v2/models/spam-classifier/infer' },
  { method: 'POST', url: '/api/v1/model/reload' },
  { method: 'POST', url: '/' },
  { method: 'GET', url: '/model/charts/0/roc.svg' },
  { method: 'PUT', url: '/api/v1/predictions' },
] as const;

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
  'application/json; charset=latin1',
];

const nested = (depth: number): unknown => {
  let v: unknown = { text: 'deep' };
  for (let i = 0; i < depth; i++) v = { text: v };
  return v;
};

/** Bodies that are wrong in the ways clients get them wrong, plus random bytes and random JSON. */
const body: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc
    .record(
      {
        text: fc.oneof(
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.array(fc.string()),
          fc.object(),
          fc.constant(''),
          fc.string(),
        ),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc
    .record({ text: fc.string(), channel: fc.string(), extra: fc.jsonValue() }, { requiredKeys: ['text'] })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      messages: fc.oneof(
        fc.array(fc.jsonValue(), { maxLength: 5 }),
        fc.string(),
        fc.constant([]),
        fc.array(fc.record({ text: fc.string() }), { maxLength: 3 }),
      ),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      inputs: fc.array(
        fc.record(
          {
            name: fc.string(),
            shape: fc.array(fc.integer()),
            datatype: fc.constantFrom('BYTES', 'FP32', ''),
            data: fc.array(fc.jsonValue(), { maxLength: 3 }),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
    })
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc
    .uint8Array({ maxLength: 100 })
    .map((bytes) =>
      Buffer.concat([
        Buffer.from('{"text":"'),
        Buffer.from(bytes),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('"}'),
      ]),
    ),
  fc.integer({ min: 1, max: 20 }).map((n) => JSON.stringify({ text: 'x' }).slice(0, n)),
  fc.constantFrom(
    JSON.stringify(nested(200)),
    JSON.stringify({ text: 'a'.repeat(300_000) }),
    JSON.stringify({ text: 'é'.repeat(200_000) }),
    JSON.stringify({ text: ' '.repeat(1000) }),
    JSON.stringify({ text: '\u0000\ud800' }),
    '{"__proto__": {"text": "x"}, "text": "y"}',
    '{"constructor": {"prototype": {"polluted": 1}}, "text": "hi"}',
    'text=' + 'b'.repeat(2_000_000),
    '',
  ),
);

describe('fuzzing the HTTP surface', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      codec: new EngineArtifactCodec(),
      env: { ADMIN_API_TOKEN: 'fuzz-token' },
      prepare: async (dir) => {
        mkdirSync(dir, { recursive: true });
        await trainSmallRealModel(dir, 600);
      },
    });
  });
  afterAll(() => t.close());

  it('should answer 10,000 malformed requests without a 5xx and keep answering', async () => {
    const cases = fc.sample(
      fc.record({
        target: fc.constantFrom(...TARGETS),
        contentType: fc.constantFrom(...CONTENT_TYPES),
        body,
        auth: fc.boolean(),
      }),
      { numRuns: 10_000, seed: 20261127 },
    );
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const c of cases) {
      const res = await t.app.inject({
        method: c.target.method,
        url: c.target.url,
        payload: c.body,
        headers: {
          ...(c.contentType ? { 'content-type': c.contentType } : {}),
          ...(c.auth ? { authorization: 'Bearer fuzz-token' } : {}),
        },
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500)
        failures.push(
          `${c.target.method} ${c.target.url} [${c.contentType}] ${String(c.body).slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
      else if (res.statusCode >= 400 && res.headers['content-type']?.toString().includes('json')) {
        const json = res.json();
        if (typeof json.request_id !== 'string' || json.statusCode !== res.statusCode)
          failures.push(`error shape: ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    // Most cases are refused; some are valid by chance.
    expect((statuses.get(400) ?? 0) + (statuses.get(415) ?? 0)).toBeGreaterThan(5000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const after = await t.app.inject({
      method: 'POST',
      url: '/api/v1/predictions',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: 'WINNER!! You have won a £1000 prize. To claim call 09061701461 now' }),
    });
    expect(after.statusCode).toBe(200);
    expect(after.json().prediction).toBe('spam');
  }, 300_000);
});

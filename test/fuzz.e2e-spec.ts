import type { DynamicModule } from '@nestjs/common';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { EngineArtifactCodec } from '../src/classifier/engine-adapters';
import { SecretsService } from '../src/config/secrets.service';
import { FeedbackModule } from '../src/feedback/feedback.module';
import { MAX_JSON_DEPTH } from '../src/http/json-body-parser';
import { MlflowModule } from '../src/mlflow/mlflow.module';
import { RetrainingModule } from '../src/retraining/retraining.module';
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
  { method: 'POST', url: '/api/v1/feedback' },
  { method: 'POST', url: '/feedback' },
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
    '['.repeat(10_000) + ']'.repeat(10_000),
    JSON.stringify({ text: 'a\u0000b', label: 'spam' }),
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

const ADMIN = { authorization: 'Bearer fuzz-token' };
const JSON_TYPE = { 'content-type': 'application/json' };
/** What Chromium sends with a form post from the page itself. */
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin', origin: 'null' };

/** The real application with feedback and retraining, a small real model, admin token `fuzz-token`. */
async function startFuzzApp(): Promise<TestApp> {
  const platformDir = mkdtempSync(join(tmpdir(), 'fuzz-platform-'));
  const mlflow = MlflowModule.forRoot();
  // The admin token for the app's whole life (secrets are read per request; the test's env is restored at start).
  const secretsModule: DynamicModule = {
    module: class FuzzSecretsModule {},
    global: true,
    providers: [{ provide: SecretsService, useValue: new SecretsService({ ADMIN_API_TOKEN: 'fuzz-token' }) }],
    exports: [SecretsService],
  };
  const t = await startTestApp({
    codec: new EngineArtifactCodec(),
    secretsModule,
    platformModules: [mlflow, FeedbackModule, RetrainingModule.forRoot({ mlflowModule: mlflow })],
    env: {
      // A body that never completes is answered 408 within a second (the raw-socket cases).
      HEADERS_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '1000',
      FEEDBACK_DB_PATH: join(platformDir, 'feedback.sqlite'),
      TRAINING_OUT_DIR: join(platformDir, 'retrain'),
      MLFLOW_LOCAL_REGISTRY_DIR: join(platformDir, 'registry'),
      MLFLOW_CHAMPION_CACHE_DIR: join(platformDir, 'champion'),
      RETRAIN_CRON: '',
    },
    prepare: async (dir) => {
      mkdirSync(dir, { recursive: true });
      await trainSmallRealModel(dir, 600);
    },
  });
  return {
    ...t,
    async close() {
      await t.close();
      rmSync(platformDir, { recursive: true, force: true });
    },
  };
}

/** Prints the answers' statuses, so the run shows them (the goal: no 5xx). */
function report(name: string, statuses: ReadonlyMap<number | string, number>): void {
  const counts = [...statuses].sort(([a], [b]) => String(a).localeCompare(String(b)));
  process.stdout.write(`fuzz: ${name}: ${counts.map(([s, n]) => `${s} × ${n}`).join(', ')}\n`);
}

describe('fuzzing the HTTP surface', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startFuzzApp();
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
        if (typeof json.request_id !== 'string' || json.status_code !== res.statusCode)
          failures.push(`error shape: ${res.body.slice(0, 200)}`);
      }
    }
    report('10,000 malformed requests', statuses);
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

const HTML_HEAD = 'From: a@b.c\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n';
const repeated = (unit: string, chars = 262_000, head = HTML_HEAD): string =>
  (head + unit.repeat(Math.ceil(chars / unit.length))).slice(0, chars);

/** The abusive emails of issue 12, each within the default text limit. */
const ABUSIVE_EMAILS = [
  repeated('<b>'),
  repeated('<ul><li>'),
  repeated('<div>'),
  repeated('<p>'),
  repeated('<table><tr><td>'),
  repeated(`<p ${'a=b '.repeat(30)}>`),
  repeated(
    '--q\r\nContent-Type: multipart/related; boundary=q\r\n\r\n',
    261_000,
    'From: a@b.c\r\nSubject: z\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=q\r\n\r\n',
  ),
  repeated(
    '--x\r\nContent-Type: text/html\r\n\r\n<p>hi\r\n',
    261_000,
    'From: a@b.c\r\nSubject: y\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n',
  ),
  repeated(
    '=3Cb=3E',
    261_000,
    'From: a@b.c\r\nSubject: y\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n',
  ),
  'From: a@b.c\r\nSubject: y\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
    Buffer.from('<b>'.repeat(65_000)).toString('base64'),
];

interface HostileCase {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly payload?: string | Buffer;
  /** The status wanted, when one is (otherwise: anything below 500). */
  readonly status?: number;
  /** A string the answer must contain. */
  readonly says?: string;
}

const JSON_ROUTES = [
  { url: '/api/v1/predictions' },
  { url: '/api/v1/predictions/batch' },
  { url: '/predict' },
  { url: '/v2/models/spam-classifier/infer' },
  { url: '/api/v1/feedback' },
  { url: '/feedback', headers: SAME_ORIGIN },
  { url: '/', headers: SAME_ORIGIN },
  { url: '/api/v1/model/reload', headers: ADMIN },
  { url: '/api/v1/training/runs', headers: ADMIN },
];

const DEEP_BODIES = [
  '['.repeat(10_000) + ']'.repeat(10_000),
  '['.repeat(500_000) + ']'.repeat(500_000),
  '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1),
  `{"text":${'['.repeat(1_000)}"x"${']'.repeat(1_000)}}`,
  `{"messages":[{"text":"x","extra":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}]}`,
];

const INVALID_UTF8 = [
  [0xc3, 0x28],
  [0xff, 0xfe],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xc0, 0xaf],
].map((bytes) => Buffer.concat([Buffer.from('{"text":"caf'), Buffer.from(bytes), Buffer.from('","label":"spam"}')]));

const QUERY_NUMBERS = [
  'offset=99999999999999999999',
  'offset=2147483648',
  'offset=-1',
  'offset=1.5',
  'offset=1e400',
  'offset=NaN',
  'limit=1e400',
  'limit=-0.5',
  'limit=99999999999999999999',
  'limit=Infinity',
];

function hostileCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const route of JSON_ROUTES) {
    for (const [i, body] of DEEP_BODIES.entries())
      cases.push({
        name: `deep JSON ${i} → ${route.url}`,
        method: 'POST',
        url: route.url,
        headers: { ...JSON_TYPE, ...route.headers },
        payload: body,
        status: 400,
        says: `more than ${MAX_JSON_DEPTH} levels deep`,
      });
    for (const [i, body] of INVALID_UTF8.entries())
      cases.push({
        name: `invalid UTF-8 ${i} → ${route.url}`,
        method: 'POST',
        url: route.url,
        headers: { ...JSON_TYPE, ...route.headers },
        payload: body,
        status: 400,
        says: 'not valid UTF-8',
      });
  }
  for (const [field, body] of [
    ['text', { text: 'a\u0000b', label: 'spam' }],
    ['text', { text: '\u0000', label: 'not_spam' }],
    ['request_id', { text: 'fine', label: 'spam', request_id: 'r\u0000' }],
  ] as const)
    cases.push({
      name: `NUL in ${field}`,
      method: 'POST',
      url: '/api/v1/feedback',
      headers: JSON_TYPE,
      payload: JSON.stringify(body),
      status: 400,
      says: `${field} must not contain NUL characters`,
    });
  cases.push({
    name: 'NUL in the feedback form',
    method: 'POST',
    url: '/feedback',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN },
    payload: 'text=a%00b&label=spam',
    status: 400,
  });
  for (const query of QUERY_NUMBERS)
    cases.push({
      name: `GET /api/v1/feedback?${query}`,
      method: 'GET',
      url: `/api/v1/feedback?${query}`,
      headers: ADMIN,
      status: 400,
      says: query.startsWith('offset') ? '0 to 2147483647' : '1 to 500',
    });
  cases.push({
    name: 'largest offset',
    method: 'GET',
    url: '/api/v1/feedback?offset=2147483647',
    headers: ADMIN,
    status: 200,
  });
  for (const url of [
    '/api/v1/feedback?offset=0x10',
    '/api/v1/feedback?offset=',
    '/model/charts/99999999999999999999/roc.svg',
    '/api/v1/training/runs/99999999999999999999',
    '/feedback/saved?id=1e400&outcome=created&label=spam',
  ])
    cases.push({ name: `GET ${url}`, method: 'GET', url, headers: ADMIN });
  for (const [i, text] of ABUSIVE_EMAILS.entries()) {
    for (const channel of ['email', 'auto'])
      cases.push({
        name: `abusive email ${i} (${channel})`,
        method: 'POST',
        url: '/api/v1/predictions',
        headers: JSON_TYPE,
        payload: JSON.stringify({ text, channel }),
        status: 200,
      });
    cases.push({
      name: `abusive email ${i} on the page`,
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN },
      payload: new URLSearchParams({ text, channel: 'email' }).toString(),
    });
  }
  cases.push({
    name: 'a batch of 3 abusive emails',
    method: 'POST',
    url: '/api/v1/predictions/batch',
    headers: JSON_TYPE,
    payload: JSON.stringify({ messages: ABUSIVE_EMAILS.slice(0, 3).map((text) => ({ text, channel: 'email' })) }),
    status: 200,
  });
  cases.push({
    name: 'KServe with 3 abusive emails',
    method: 'POST',
    url: '/v2/models/spam-classifier/infer',
    headers: JSON_TYPE,
    payload: JSON.stringify({
      inputs: [{ name: 'text', shape: [3], datatype: 'BYTES', data: ABUSIVE_EMAILS.slice(1, 4) }],
    }),
    status: 200,
  });
  return cases;
}

/**
 * Sends raw bytes on a new connection; resolves with the status of the first answer, `closed` when the server
 * closed without one, `reset` on ECONNRESET, `hang` when nothing happened within `timeoutMs`.
 */
function rawExchange(port: number, request: string, timeoutMs = 5_000): Promise<number | 'closed' | 'reset' | 'hang'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = (outcome: number | 'closed' | 'reset' | 'hang'): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('hang'), timeoutMs);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (status) done(Number(status[1]));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNRESET' ? 'reset' : 'closed'));
    socket.on('end', () => done('closed'));
    socket.write(request);
  });
}

describe('hostile inputs of issue 12', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startFuzzApp();
  });
  afterAll(() => t.close());

  it('should answer deep JSON, NUL, invalid UTF-8, huge query numbers and abusive emails without a 5xx, in time', async () => {
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (const c of hostileCases()) {
      const started = performance.now();
      const res = await t.app.inject({
        method: c.method,
        url: c.url,
        headers: c.headers ?? {},
        ...(c.payload === undefined ? {} : { payload: c.payload }),
      });
      const ms = performance.now() - started;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500 || (c.status !== undefined && res.statusCode !== c.status))
        failures.push(`${c.name} → ${res.statusCode} ${res.body.slice(0, 160)}`);
      else if (c.says && !res.body.includes(c.says))
        failures.push(`${c.name}: no "${c.says}" in ${res.body.slice(0, 160)}`);
      if (ms > 5_000) failures.push(`${c.name} took ${Math.round(ms)} ms`);
    }
    report('hostile inputs', statuses);
    expect(failures).toEqual([]);
  }, 300_000);

  it('should answer or close a connection with a malformed chunked body, never hang or reset', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as { port: number };
    const head = (path: string): string =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const outcomes = new Map<number | string, number>();
    for (const path of ['/api/v1/predictions', '/api/v1/feedback'])
      for (const chunk of ['ffffffffffffffff', '-1', 'zz', '100000000000000000000', '7fffffffffffffff;ext=1'])
        for (const tail of ['\r\n', '\r\n{"text":"hi"}\r\n0\r\n\r\n']) {
          const outcome = await rawExchange(port, head(path) + chunk + tail);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
    report('malformed chunked bodies on raw sockets', outcomes);
    expect(
      [...outcomes.keys()].filter((o) => o === 'hang' || o === 'reset' || (typeof o === 'number' && o >= 500)),
    ).toEqual([]);
  }, 120_000);
});

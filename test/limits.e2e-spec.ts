import { connect, type AddressInfo } from 'node:net';
import { keywordArtifact, KeywordArtifactCodec, writeKeywordArtifact } from './fixtures/service/keyword-classifier';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

describe('rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      env: { API_RATE_LIMIT: '3', THROTTLE_LIMIT: '2', THROTTLE_TTL_MS: '60000' },
      prepare: (dir) =>
        void writeKeywordArtifact(
          dir,
          'v1.json',
          keywordArtifact('20261101T000000Z-aaaa0001', '2026-11-01T00:00:00.000Z'),
        ),
    });
  });
  afterAll(() => t.close());

  it('should answer 429 in the error shape past API_RATE_LIMIT, across the classification routes, with Retry-After', async () => {
    const post = (url: string, payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
    const first = await post('/api/v1/predictions', { text: 'hello' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    expect((await post('/predict', { text: 'hello' })).statusCode).toBe(200);
    expect((await post('/api/v1/predictions/batch', { messages: [{ text: 'hello' }] })).statusCode).toBe(200);
    const limited = await post('/api/v1/predictions', { text: 'hello' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({
      status_code: 429,
      error: 'Too Many Requests',
      request_id: expect.any(String),
    });
    expect(limited.json().message).toMatch(
      /^too many requests from this client: at most 3 per 60 s \(API_RATE_LIMIT per THROTTLE_TTL_MS\); retry after \d+ s$/,
    );
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The page's form has its own budget (THROTTLE_LIMIT), not spent by the API.
    const form = () =>
      t.app.inject({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'text=hello&channel=sms',
      });
    expect((await form()).statusCode).toBe(200);
    expect((await form()).statusCode).toBe(200);
    const page = await form();
    expect(page.statusCode).toBe(429);
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    // Operational routes are never rate limited.
    expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(200);
  });

  it('should send helmet headers on pages and the compact API set on API routes', async () => {
    const page = await t.app.inject({ url: '/' });
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    // Reached by a host name over plain HTTP, the page must keep its stylesheet: no upgrade to https.
    expect(page.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['strict-transport-security']).toContain('max-age=');
    const api = await t.app.inject({ url: '/health/live' });
    expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api.headers['x-frame-options']).toBe('DENY');
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['cache-control']).toContain('no-store');
    const missing = await t.app.inject({ url: '/no/such/page' });
    expect(missing.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('should log one request line for other routes and none besides the prediction line for predictions', async () => {
    const before = t.logs.length;
    await t.app.inject({ url: '/health/live', headers: { 'x-request-id': 'req-line-1' } });
    const lines = t.logs.slice(before).filter((l) => (l.req as { id?: string } | undefined)?.id === 'req-line-1');
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'request completed', context: 'HTTP', res: { statusCode: 200 } }),
    ]);
    expect(typeof lines[0].responseTime).toBe('number');
  });
});

describe('rate limit defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      env: { THROTTLE_LIMIT: '' },
      prepare: (dir) =>
        void writeKeywordArtifact(
          dir,
          'v1.json',
          keywordArtifact('20261101T000000Z-aaaa0001', '2026-11-01T00:00:00.000Z'),
        ),
    });
  });
  afterAll(() => t.close());

  it('should not rate-limit the classification API (one client behind a gateway is every caller)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 1000 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/predictions',
          headers: { 'content-type': 'application/json' },
          payload: '{"text":"hello"}',
        }),
      ),
    );
    expect(answers.filter((a) => a.statusCode !== 200)).toEqual([]);
    expect(answers[0].headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('should keep a per-client limit on the page form (600 per minute)', async () => {
    const page = await t.app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'text=hello&channel=sms',
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-ratelimit-limit']).toBe('600');
  });
});

describe('connection timeouts', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      env: { HEADERS_TIMEOUT_MS: '300', REQUEST_TIMEOUT_MS: '600', KEEP_ALIVE_TIMEOUT_MS: '400' },
      prepare: (dir) =>
        void writeKeywordArtifact(
          dir,
          'v1.json',
          keywordArtifact('20261101T000000Z-aaaa0001', '2026-11-01T00:00:00.000Z'),
        ),
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  /** Writes `head` (and nothing more), then reports what came back and when the server closed the socket. */
  const send = (head: string, waitMs = 5000) =>
    new Promise<{ answer: string; closedAfterMs: number | undefined }>((resolve) => {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1', () => socket.write(head));
      let answer = '';
      const give = (closedAfterMs: number | undefined) => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ answer, closedAfterMs });
      };
      const timer = setTimeout(() => give(undefined), waitMs);
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => give(Date.now() - started));
    });

  it('should answer 408 and close a connection whose body stops coming, within REQUEST_TIMEOUT_MS', async () => {
    const { answer, closedAfterMs } = await send(
      'POST /api/v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"text":"he',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /u);
    expect(closedAfterMs).toBeGreaterThanOrEqual(500);
    expect(closedAfterMs).toBeLessThan(2500);
  });

  it('should close a connection whose head never ends, within HEADERS_TIMEOUT_MS', async () => {
    const { answer, closedAfterMs } = await send('GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /u);
    expect(closedAfterMs).toBeLessThan(2000);
  });

  it('should answer a chunk size of ffffffffffffffff or close, never hang', async () => {
    const { answer, closedAfterMs } = await send(
      'POST /api/v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n{"text":"a"}',
    );
    expect(closedAfterMs).toBeDefined();
    expect(answer === '' || /^HTTP\/1\.1 (400|408|413) /u.test(answer)).toBe(true);
  });

  it('should answer CONNECT with 405 in the error shape and close, not drop it silently', async () => {
    const { answer, closedAfterMs } = await send('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/u);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status_code: 405 });
    expect(closedAfterMs).toBeLessThan(2000);
  });

  it('should close an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const { answer, closedAfterMs } = await send('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /u);
    expect(closedAfterMs).toBeGreaterThanOrEqual(350);
    expect(closedAfterMs).toBeLessThan(2000);
  });
});

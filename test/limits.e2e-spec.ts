import { keywordArtifact, KeywordArtifactCodec, writeKeywordArtifact } from './fixtures/service/keyword-classifier';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

describe('rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      env: { THROTTLE_LIMIT: '3', THROTTLE_TTL_MS: '60000' },
      prepare: (dir) =>
        void writeKeywordArtifact(
          dir,
          'v1.json',
          keywordArtifact('20261101T000000Z-aaaa0001', '2026-11-01T00:00:00.000Z'),
        ),
    });
  });
  afterAll(() => t.close());

  it('should answer 429 in the error shape past THROTTLE_LIMIT, across the rate-limited routes, with Retry-After', async () => {
    const post = (url: string, payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
    const first = await post('/api/v1/predictions', { text: 'hello' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit-api']).toBe('3');
    expect(first.headers['x-ratelimit-remaining-api']).toBe('2');
    expect((await post('/predict', { text: 'hello' })).statusCode).toBe(200);
    expect((await post('/api/v1/predictions/batch', { messages: [{ text: 'hello' }] })).statusCode).toBe(200);
    const limited = await post('/api/v1/predictions', { text: 'hello' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      request_id: expect.any(String),
    });
    expect(Number(limited.headers['retry-after-api'])).toBeGreaterThan(0);
    // Operational routes are never rate limited.
    expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(200);
  });

  it('should send the security headers on every response', async () => {
    const res = await t.app.inject({ url: '/health/live' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});

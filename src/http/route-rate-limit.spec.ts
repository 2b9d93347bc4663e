import { ThrottlerException, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';
import { rateLimitHook, type RateLimitHook } from './route-rate-limit';

function call(hook: RateLimitHook, ip = '10.0.0.1') {
  const headers: Record<string, string> = {};
  const reply = { header: (k: string, v: string) => (headers[k] = v) } as unknown as FastifyReply;
  return new Promise<{ error: unknown; headers: Record<string, string> }>((resolve) =>
    hook({ ip } as FastifyRequest, reply, (error?: unknown) => resolve({ error, headers })),
  );
}

function requireHook(...args: Parameters<typeof rateLimitHook>): NonNullable<ReturnType<typeof rateLimitHook>> {
  const hook = rateLimitHook(...args);
  if (!hook) throw new Error('expected a rate-limit hook');
  return hook;
}

describe(rateLimitHook.name, () => {
  it.each([
    ['the fixed-window storage (synchronous path)', () => new FixedWindowThrottlerStorage()],
    [
      'any other storage (asynchronous path)',
      () => {
        const inner = new FixedWindowThrottlerStorage();
        return {
          increment: (...args: Parameters<ThrottlerStorage['increment']>) => inner.increment(...args),
        } as ThrottlerStorage;
      },
    ],
  ])('should let the limit through per client, then refuse with a ThrottlerException, using %s', async (_n, make) => {
    const hook = requireHook({ throttlers: [{ name: 'api', ttl: 60_000, limit: 2 }] }, make());
    const first = await call(hook);
    expect(first.error).toBeUndefined();
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    expect((await call(hook)).headers['x-ratelimit-remaining']).toBe('0');
    const refused = await call(hook);
    expect(refused.error).toBeInstanceOf(ThrottlerException);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await call(hook, '10.0.0.2')).error).toBeUndefined();
  });

  it('should share the budget with ApiThrottlerGuard through the same storage key', () => {
    const storage = new FixedWindowThrottlerStorage();
    storage.hit('api:10.0.0.1', 60_000, 1, 60_000, 'api');
    const hook = requireHook({ throttlers: [{ name: 'api', ttl: 60_000, limit: 1 }] }, storage);
    return expect(call(hook).then((r) => r.error)).resolves.toBeInstanceOf(ThrottlerException);
  });

  it('should pass a storage failure on to the error handler', async () => {
    const broken = { increment: () => Promise.reject(new Error('storage down')) } as unknown as ThrottlerStorage;
    const hook = requireHook({ throttlers: [{ name: 'api', ttl: 1000, limit: 1 }] }, broken);
    expect(((await call(hook)).error as Error).message).toBe('storage down');
  });

  it('should install no hook when the API limit is 0 (off), whatever the pages limit', () => {
    const storage = new FixedWindowThrottlerStorage();
    const throttlers = [
      { name: 'pages', ttl: 60_000, limit: 5 },
      { name: 'api', ttl: 60_000, limit: 0 },
    ];
    expect(rateLimitHook({ throttlers }, storage)).toBeUndefined();
  });

  it('should say the limit, the window, the setting and when to retry in the 429', async () => {
    const hook = requireHook(
      { throttlers: [{ name: 'api', ttl: 30_000, limit: 1 }] },
      new FixedWindowThrottlerStorage(),
    );
    await call(hook);
    const refused = await call(hook);
    expect((refused.error as Error).message).toMatch(
      /^too many requests from this client: at most 1 per 30 s \(API_RATE_LIMIT per THROTTLE_TTL_MS\); retry after (29|30) s$/,
    );
  });

  it('should refuse a throttler option it cannot read at start, naming it', () => {
    const storage = new FixedWindowThrottlerStorage();
    expect(() => rateLimitHook([{ name: 'api', ttl: () => 5, limit: 1 } as never], storage)).toThrow(
      'throttler "api": ttl must be a number',
    );
  });
});

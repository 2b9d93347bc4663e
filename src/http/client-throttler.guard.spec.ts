import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerException, type ThrottlerStorage } from '@nestjs/throttler';
import { ApiThrottlerGuard, PageThrottlerGuard } from './client-throttler.guard';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

function contextFor(headers: Record<string, unknown>) {
  const handler = () => undefined;
  class Controller {}
  return {
    getHandler: () => handler,
    getClass: () => Controller,
    switchToHttp: () => ({
      getRequest: () => ({ ip: '10.0.0.1', headers: {} }),
      getResponse: () => ({ header: (k: string, v: unknown) => (headers[k] = v) }),
    }),
    getType: () => 'http',
  } as unknown as ExecutionContext;
}

async function guardWith(
  storage: ThrottlerStorage,
  limit: number,
  Guard: typeof ApiThrottlerGuard | typeof PageThrottlerGuard = ApiThrottlerGuard,
  pagesLimit = 1,
): Promise<ApiThrottlerGuard | PageThrottlerGuard> {
  const throttlers = [
    { name: 'pages', ttl: 60_000, limit: pagesLimit },
    { name: 'api', ttl: 60_000, limit },
  ];
  const guard = new Guard({ throttlers }, storage, new Reflector());
  await guard.onModuleInit();
  return guard;
}

describe(ApiThrottlerGuard.name, () => {
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
  ])('should let the limit through, then refuse with 429, using %s', async (_name, makeStorage) => {
    const guard = await guardWith(makeStorage(), 2);
    const headers: Record<string, unknown> = {};
    const context = contextFor(headers);
    expect(await guard.canActivate(context)).toBe(true);
    expect(await guard.canActivate(context)).toBe(true);
    expect(Number(headers['X-RateLimit-Remaining'] ?? headers['x-ratelimit-remaining'])).toBe(0);
    const refusal = Promise.resolve().then(() => guard.canActivate(context));
    await expect(refusal).rejects.toBeInstanceOf(ThrottlerException);
    await expect(refusal).rejects.toThrow(
      /^too many requests from this client: at most 2 per 60 s \(API_RATE_LIMIT per THROTTLE_TTL_MS\); retry after \d+ s$/,
    );
    expect(Number(headers['Retry-After'])).toBeGreaterThan(0);
  });

  it('should let everything through when its limit is 0 (off), and count only its own throttler', async () => {
    const storage = new FixedWindowThrottlerStorage();
    const api = await guardWith(storage, 0, ApiThrottlerGuard, 1);
    const headers: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) expect(await api.canActivate(contextFor(headers))).toBe(true);
    expect(headers).toEqual({});
    const pages = await guardWith(storage, 0, PageThrottlerGuard, 1);
    expect(await pages.canActivate(contextFor(headers))).toBe(true);
    await expect(Promise.resolve().then(() => pages.canActivate(contextFor(headers)))).rejects.toThrow(
      /at most 1 per 60 s \(THROTTLE_LIMIT per THROTTLE_TTL_MS\)/,
    );
  });
});

import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerException, type ThrottlerStorage } from '@nestjs/throttler';
import { ApiThrottlerGuard } from './api-throttler.guard';
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

async function guardWith(storage: ThrottlerStorage, limit: number): Promise<ApiThrottlerGuard> {
  const guard = new ApiThrottlerGuard({ throttlers: [{ name: 'api', ttl: 60_000, limit }] }, storage, new Reflector());
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
    expect(Number(headers['X-RateLimit-Remaining-api'] ?? headers['x-ratelimit-remaining-api'])).toBe(0);
    await expect(Promise.resolve().then(() => guard.canActivate(context))).rejects.toBeInstanceOf(ThrottlerException);
    expect(Number(headers['Retry-After-api'])).toBeGreaterThan(0);
  });
});

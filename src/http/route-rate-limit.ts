import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ThrottlerException,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';
import { API_THROTTLER, tooManyRequestsMessage } from './rate-limits';

/** The Fastify route config key `@RateLimited()` sets. */
export const RATE_LIMITED = 'rateLimited';

/**
 * Rate-limits a Nest route in a Fastify onRequest hook (see `rateLimitHook`) instead of with ApiThrottlerGuard. The
 * hot prediction routes use it: a Nest guard adds two async functions, an execution context and several promise
 * hops to every request. The limit is the same one: the same @nestjs/throttler storage and throttlers, the same key
 * per client address (`api:<ip>`), so guarded and hooked routes share one budget.
 */
export const RateLimited = (): MethodDecorator => RouteConfig({ [RATE_LIMITED]: true });

interface Plan {
  readonly name: string;
  readonly limit: number;
  readonly ttl: number;
  readonly blockDuration: number;
  readonly limitText: string;
}

type Hit = { totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number };

export type RateLimitHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/**
 * The onRequest hook for `@RateLimited()` routes, or undefined when the API's limit is off (API_RATE_LIMIT=0):
 * ThrottlerGuard's behaviour (X-RateLimit-Limit/Remaining/Reset headers, `Retry-After` and a ThrottlerException,
 * which the exception filter turns into the 429 error shape) with the module's `api` throttler and storage. Only
 * numeric throttler options are supported (the service's are).
 */
export function rateLimitHook(options: ThrottlerModuleOptions, storage: ThrottlerStorage): RateLimitHook | undefined {
  const throttlers: readonly ThrottlerOptions[] = Array.isArray(options) ? options : options.throttlers;
  const plans = throttlers
    .filter((t) => t.name === API_THROTTLER)
    .map(planFor)
    .filter((plan) => plan.limit > 0);
  if (plans.length === 0) return undefined;
  const refuse = (reply: FastifyReply, plan: Plan, hit: Hit, done: HookHandlerDoneFunction): void => {
    reply.header('retry-after', String(hit.timeToBlockExpire));
    done(new ThrottlerException(tooManyRequestsMessage(API_THROTTLER, plan.limit, plan.ttl, hit.timeToBlockExpire)));
  };
  const allow = (reply: FastifyReply, plan: Plan, hit: Hit): void => {
    reply.header('x-ratelimit-limit', plan.limitText);
    reply.header('x-ratelimit-remaining', String(plan.limit > hit.totalHits ? plan.limit - hit.totalHits : 0));
    reply.header('x-ratelimit-reset', String(hit.timeToExpire));
  };
  if (storage instanceof FixedWindowThrottlerStorage) {
    return (request, reply, done) => {
      const tracker = request.ip ?? 'unknown';
      for (const plan of plans) {
        const hit = storage.hit(`${plan.name}:${tracker}`, plan.ttl, plan.limit, plan.blockDuration, plan.name);
        if (hit.isBlocked) return refuse(reply, plan, hit, done);
        allow(reply, plan, hit);
      }
      done();
    };
  }
  return (request, reply, done) => {
    const tracker = request.ip ?? 'unknown';
    const check = async (): Promise<void> => {
      for (const plan of plans) {
        const key = `${plan.name}:${tracker}`;
        const hit = await storage.increment(key, plan.ttl, plan.limit, plan.blockDuration, plan.name);
        if (hit.isBlocked) return refuse(reply, plan, hit, done);
        allow(reply, plan, hit);
      }
      done();
    };
    check().catch((error: unknown) => done(error instanceof Error ? error : new Error(String(error))));
  };
}

function planFor(t: ThrottlerOptions): Plan {
  const name = t.name ?? 'default';
  const number = (value: unknown, option: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new Error(`throttler "${name}": ${option} must be a number for @RateLimited() routes`);
    return value;
  };
  const ttl = number(t.ttl, 'ttl');
  const limit = number(t.limit, 'limit');
  return {
    name,
    limit,
    ttl,
    blockDuration: t.blockDuration === undefined ? ttl : number(t.blockDuration, 'blockDuration'),
    limitText: String(limit),
  };
}

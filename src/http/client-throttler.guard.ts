import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, type ThrottlerOptions } from '@nestjs/throttler';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';
import { API_THROTTLER, PAGES_THROTTLER, tooManyRequestsMessage, type ThrottlerName } from './rate-limits';

interface Plan {
  readonly name: string;
  readonly skip: boolean;
  readonly limit: number;
  readonly ttl: number;
  readonly blockDuration: number;
  readonly limitText: string;
}

interface HeaderTarget {
  header(name: string, value: unknown): unknown;
}

type ThrottlerStorageRecord = ReturnType<FixedWindowThrottlerStorage['hit']>;

/** Nest awaits whatever a guard returns; the base class's signature only allows a Promise. */
const ALLOWED = true as unknown as Promise<boolean>;

const META = {
  skip: 'THROTTLER:SKIP',
  limit: 'THROTTLER:LIMIT',
  ttl: 'THROTTLER:TTL',
  block: 'THROTTLER:BLOCK_DURATION',
};

/**
 * @nestjs/throttler's guard for one named throttler (see rate-limits.ts), with the per-route decisions made once per
 * handler instead of on every request (the stock guard reads six pieces of metadata and awaits each resolved value
 * per request), one budget per client address across the routes of that throttler (key `<name>:<ip>`, no
 * per-request sha256), the standard X-RateLimit-* and Retry-After headers, and a 429 that says the limit and the
 * setting. A throttler whose limit is 0 is off. Route-level `@Throttle`/`@SkipThrottle` with plain numbers are
 * honoured; function-valued options are not.
 */
abstract class ClientThrottlerGuard extends ThrottlerGuard {
  protected abstract readonly throttlerName: ThrottlerName;
  private readonly plans = new WeakMap<object, Plan[]>();

  override canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    let plans = this.plans.get(handler);
    if (!plans) {
      plans = this.throttlers
        .filter((t) => t.name === this.throttlerName)
        .map((t) => this.plan(context, t))
        .filter((plan) => !plan.skip && plan.limit > 0);
      this.plans.set(handler, plans);
    }
    const storage = this.storageService;
    // With the in-memory fixed-window storage the whole check is synchronous: no promise per request.
    if (storage instanceof FixedWindowThrottlerStorage) {
      const http = context.switchToHttp();
      const req = http.getRequest<{ ip?: string }>();
      const res = http.getResponse<HeaderTarget>();
      const tracker = req.ip ?? 'unknown';
      for (const plan of plans) {
        if (plan.skip) continue;
        const r = storage.hit(`${plan.name}:${tracker}`, plan.ttl, plan.limit, plan.blockDuration, plan.name);
        if (r.isBlocked) return this.refuse(context, res as unknown as Record<string, unknown>, plan, tracker, r);
        res.header('x-ratelimit-limit', plan.limitText);
        res.header('x-ratelimit-remaining', String(plan.limit > r.totalHits ? plan.limit - r.totalHits : 0));
        res.header('x-ratelimit-reset', String(r.timeToExpire));
      }
      return ALLOWED;
    }
    return this.checkAsync(context, plans);
  }

  private async checkAsync(context: ExecutionContext, plans: readonly Plan[]): Promise<boolean> {
    const { req, res } = this.getRequestResponse(context);
    for (const plan of plans) {
      if (plan.skip) continue;
      const tracker = String(req.ip ?? 'unknown');
      const r = await this.storageService.increment(
        `${plan.name}:${tracker}`,
        plan.ttl,
        plan.limit,
        plan.blockDuration,
        plan.name,
      );
      if (r.isBlocked) return this.refuse(context, res, plan, tracker, r);
      this.limitHeaders(res, plan, r);
    }
    return true;
  }

  private refuse(
    _context: ExecutionContext,
    res: Record<string, unknown>,
    plan: Plan,
    _tracker: string,
    r: ThrottlerStorageRecord,
  ): Promise<boolean> {
    this.setResponseHeader(res, 'Retry-After', r.timeToBlockExpire);
    throw new ThrottlerException(tooManyRequestsMessage(this.throttlerName, plan.limit, plan.ttl, r.timeToBlockExpire));
  }

  private limitHeaders(res: Record<string, unknown>, plan: Plan, r: ThrottlerStorageRecord): void {
    this.setResponseHeader(res, 'X-RateLimit-Limit', plan.limit);
    this.setResponseHeader(res, 'X-RateLimit-Remaining', Math.max(0, plan.limit - r.totalHits));
    this.setResponseHeader(res, 'X-RateLimit-Reset', r.timeToExpire);
  }

  private plan(context: ExecutionContext, t: ThrottlerOptions): Plan {
    const targets = [context.getHandler(), context.getClass()];
    const read = (prefix: string) => this.reflector.getAllAndOverride<unknown>(prefix + t.name, targets);
    const number = (value: unknown, fallback: unknown): number =>
      typeof value === 'number' ? value : typeof fallback === 'number' ? fallback : 0;
    const ttl = number(read(META.ttl), t.ttl);
    const limit = number(read(META.limit), t.limit);
    return {
      name: t.name ?? 'default',
      skip: read(META.skip) === true,
      limit,
      ttl,
      blockDuration: number(read(META.block), t.blockDuration ?? ttl),
      limitText: String(limit),
    };
  }
}

/** The classification API's limit (API_RATE_LIMIT, off by default): KServe and the seed's /predict. */
@Injectable()
export class ApiThrottlerGuard extends ClientThrottlerGuard {
  protected readonly throttlerName = API_THROTTLER;
}

/** The page's, its feedback form's and the feedback API's per-client limit (THROTTLE_LIMIT). */
@Injectable()
export class PageThrottlerGuard extends ClientThrottlerGuard {
  protected readonly throttlerName = PAGES_THROTTLER;
}

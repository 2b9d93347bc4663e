import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerOptions } from '@nestjs/throttler';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

interface Plan {
  readonly name: string;
  readonly skip: boolean;
  readonly limit: number;
  readonly ttl: number;
  readonly blockDuration: number;
  readonly suffix: string;
  /** Header names and the limit's text, built once instead of on every request. */
  readonly limitHeader: string;
  readonly remainingHeader: string;
  readonly resetHeader: string;
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
 * @nestjs/throttler's guard with the per-route decisions made once per handler instead of on every request (the
 * stock guard reads six pieces of metadata and awaits each resolved value per request), one limit per client
 * address across all rate-limited routes (key `api:<ip>`, no per-request sha256), and the same headers and 429.
 * Route-level `@Throttle`/`@SkipThrottle` with plain numbers are honoured; function-valued options are not.
 */
@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  private readonly plans = new WeakMap<object, Plan[]>();

  override canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    let plans = this.plans.get(handler);
    if (!plans) {
      plans = this.throttlers.map((t) => this.plan(context, t));
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
        res.header(plan.limitHeader, plan.limitText);
        res.header(plan.remainingHeader, String(plan.limit > r.totalHits ? plan.limit - r.totalHits : 0));
        res.header(plan.resetHeader, String(r.timeToExpire));
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

  private async refuse(
    context: ExecutionContext,
    res: Record<string, unknown>,
    plan: Plan,
    tracker: string,
    r: ThrottlerStorageRecord,
  ): Promise<boolean> {
    this.setResponseHeader(res, `Retry-After${plan.suffix}`, r.timeToBlockExpire);
    await this.throwThrottlingException(context, {
      limit: plan.limit,
      ttl: plan.ttl,
      key: `${plan.name}:${tracker}`,
      tracker,
      ...r,
    });
    return false;
  }

  private limitHeaders(res: Record<string, unknown>, plan: Plan, r: ThrottlerStorageRecord): void {
    this.setResponseHeader(res, `X-RateLimit-Limit${plan.suffix}`, plan.limit);
    this.setResponseHeader(res, `X-RateLimit-Remaining${plan.suffix}`, Math.max(0, plan.limit - r.totalHits));
    this.setResponseHeader(res, `X-RateLimit-Reset${plan.suffix}`, r.timeToExpire);
  }

  private plan(context: ExecutionContext, t: ThrottlerOptions): Plan {
    const targets = [context.getHandler(), context.getClass()];
    const read = (prefix: string) => this.reflector.getAllAndOverride<unknown>(prefix + t.name, targets);
    const number = (value: unknown, fallback: unknown): number =>
      typeof value === 'number' ? value : typeof fallback === 'number' ? fallback : 0;
    const ttl = number(read(META.ttl), t.ttl);
    const limit = number(read(META.limit), t.limit);
    const suffix = t.name === 'default' ? '' : `-${t.name}`;
    return {
      name: t.name ?? 'default',
      skip: read(META.skip) === true,
      limit,
      ttl,
      blockDuration: number(read(META.block), t.blockDuration ?? ttl),
      suffix,
      limitHeader: `x-ratelimit-limit${suffix}`.toLowerCase(),
      remainingHeader: `x-ratelimit-remaining${suffix}`.toLowerCase(),
      resetHeader: `x-ratelimit-reset${suffix}`.toLowerCase(),
      limitText: String(limit),
    };
  }
}

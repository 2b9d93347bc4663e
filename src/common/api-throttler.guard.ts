import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerOptions } from '@nestjs/throttler';

interface Plan {
  readonly name: string;
  readonly skip: boolean;
  readonly limit: number;
  readonly ttl: number;
  readonly blockDuration: number;
  readonly suffix: string;
}

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

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    let plans = this.plans.get(handler);
    if (!plans) {
      plans = this.throttlers.map((t) => this.plan(context, t));
      this.plans.set(handler, plans);
    }
    const { req, res } = this.getRequestResponse(context);
    for (const plan of plans) {
      if (plan.skip) continue;
      const tracker = String(req.ip ?? 'unknown');
      const key = `${plan.name}:${tracker}`;
      const r = await this.storageService.increment(key, plan.ttl, plan.limit, plan.blockDuration, plan.name);
      if (r.isBlocked) {
        this.setResponseHeader(res, `Retry-After${plan.suffix}`, r.timeToBlockExpire);
        await this.throwThrottlingException(context, { limit: plan.limit, ttl: plan.ttl, key, tracker, ...r });
      }
      this.setResponseHeader(res, `X-RateLimit-Limit${plan.suffix}`, plan.limit);
      this.setResponseHeader(res, `X-RateLimit-Remaining${plan.suffix}`, Math.max(0, plan.limit - r.totalHits));
      this.setResponseHeader(res, `X-RateLimit-Reset${plan.suffix}`, r.timeToExpire);
    }
    return true;
  }

  private plan(context: ExecutionContext, t: ThrottlerOptions): Plan {
    const targets = [context.getHandler(), context.getClass()];
    const read = (prefix: string) => this.reflector.getAllAndOverride<unknown>(prefix + t.name, targets);
    const number = (value: unknown, fallback: unknown): number =>
      typeof value === 'number' ? value : typeof fallback === 'number' ? fallback : 0;
    const ttl = number(read(META.ttl), t.ttl);
    return {
      name: t.name ?? 'default',
      skip: read(META.skip) === true,
      limit: number(read(META.limit), t.limit),
      ttl,
      blockDuration: number(read(META.block), t.blockDuration ?? ttl),
      suffix: t.name === 'default' ? '' : `-${t.name}`,
    };
  }
}

import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { ReadinessRegistry, type ReadinessCondition } from './readiness.registry';

/**
 * Liveness (the process answers) and readiness (the registered conditions hold, such as serving's loaded model; not
 * draining; required dependencies up).
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
  ) {}

  /** `detailed`: with each indicator's details (for the admin); else statuses only. */
  live(detailed = false): Promise<HealthCheckResult> {
    return this.checked(detailed, [
      () => this.indicators.check('process').up({ pid: process.pid, uptime_s: Math.round(process.uptime()) }),
    ]);
  }

  /** Throws ServiceUnavailableException (503, terminus details) when not ready; `detailed` as for `live`. */
  ready(detailed = false): Promise<HealthCheckResult> {
    return this.checked(detailed, [
      ...this.registry.conditions().map((c) => () => this.condition(c)),
      () => this.shutdown(),
      ...this.registry.all().map((c) => () => this.dependency(c.name)),
    ]);
  }

  private async checked(
    detailed: boolean,
    indicators: Array<() => HealthIndicatorResult | Promise<HealthIndicatorResult>>,
  ): Promise<HealthCheckResult> {
    if (detailed) return this.health.check(indicators);
    try {
      return statusesOnly(await this.health.check(indicators));
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        throw new ServiceUnavailableException(statusesOnly(error.getResponse() as HealthCheckResult));
      throw error;
    }
  }

  /** The registered conditions hold and the service is not draining (dependencies are not consulted). */
  isReady(): boolean {
    return this.registry.draining() === undefined && this.registry.conditions().every((c) => c.state().up);
  }

  private condition(condition: ReadinessCondition): HealthIndicatorResult {
    const session = this.indicators.check(condition.name);
    const { up, details } = condition.state();
    return up ? session.up(details) : session.down(details);
  }

  private shutdown(): HealthIndicatorResult {
    const session = this.indicators.check('shutdown');
    const since = this.registry.draining();
    return since ? session.down({ message: 'draining for shutdown', since: since.toISOString() }) : session.up();
  }

  private async dependency(name: string): Promise<HealthIndicatorResult> {
    const check = this.registry.all().find((c) => c.name === name);
    const session = this.indicators.check(name);
    if (!check) return session.up({ message: 'unregistered' });
    let state;
    try {
      state = await check.check();
    } catch (error) {
      state = { up: false, details: { message: error instanceof Error ? error.message : String(error) } };
    }
    const details = { required: check.required, ...(state.details ?? {}) };
    if (state.up) return session.up(details);
    return check.required ? session.down(details) : session.degraded(details);
  }
}

/**
 * A health result with each indicator's status and nothing else: details (paths, internal URLs, errors, pids) are
 * for the admin only.
 */
export function statusesOnly(result: HealthCheckResult): HealthCheckResult {
  type Group = HealthCheckResult['info'];
  const strip = (group: Group): Group =>
    group &&
    (Object.fromEntries(
      Object.entries(group).map(([name, value]) => [name, { status: value?.status ?? 'down' }]),
    ) as Group);
  return {
    status: result.status,
    info: strip(result.info),
    error: strip(result.error),
    details: strip(result.details) as HealthCheckResult['details'],
  };
}

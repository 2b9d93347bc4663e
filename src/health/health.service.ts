import { Injectable } from '@nestjs/common';
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

  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicators.check('process').up({ pid: process.pid, uptime_s: Math.round(process.uptime()) }),
    ]);
  }

  /** Throws ServiceUnavailableException (503, terminus details) when not ready. */
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      ...this.registry.conditions().map((c) => () => this.condition(c)),
      () => this.shutdown(),
      ...this.registry.all().map((c) => () => this.dependency(c.name)),
    ]);
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

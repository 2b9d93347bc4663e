import { Injectable } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { ModelHolder } from '../classifier/model-holder.service';
import { ModelLoader } from '../classifier/model-loader.service';
import { ReadinessRegistry } from './readiness.registry';

/** Liveness (the process answers) and readiness (model loaded, not draining, required dependencies up). */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly holder: ModelHolder,
    private readonly loader: ModelLoader,
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
      () => this.model(),
      () => this.shutdown(),
      ...this.registry.all().map((c) => () => this.dependency(c.name)),
    ]);
  }

  isReady(): boolean {
    return this.holder.active() !== undefined && this.registry.draining() === undefined;
  }

  private model(): HealthIndicatorResult {
    const session = this.indicators.check('model');
    const active = this.holder.active();
    if (!active) return session.down({ message: this.loader.failure() ?? 'no model loaded yet' });
    return session.up({
      version: active.artifact.metadata.version,
      algorithm: active.artifact.metadata.algorithm,
      source: active.source,
      loaded_at: active.loadedAt.toISOString(),
      ...(this.loader.failure() ? { last_load_failure: this.loader.failure() } : {}),
    });
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

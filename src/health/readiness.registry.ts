import { Injectable } from '@nestjs/common';

/** One dependency's state for readiness: required ones make the service unready when down. */
export interface DependencyState {
  readonly up: boolean;
  readonly details?: Record<string, unknown>;
}

export interface ReadinessCheck {
  readonly name: string;
  readonly required: boolean;
  check(): Promise<DependencyState> | DependencyState;
}

/**
 * What the service itself must hold to serve (a loaded model): always required, read synchronously, so the cheap
 * readiness answers (KServe's, the page's) use it too. Shown first in /health/ready, without a `required` detail.
 */
export interface ReadinessCondition {
  readonly name: string;
  state(): DependencyState;
}

/**
 * Where modules register what readiness depends on (serving's model, the feedback database, the MLflow follower,
 * Vault...), and where the shutdown drain marks the service as not ready. Health itself knows none of them.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly serviceConditions = new Map<string, ReadinessCondition>();
  private drainingSince: Date | undefined;

  register(check: ReadinessCheck): () => void {
    this.checks.set(check.name, check);
    return () => this.checks.delete(check.name);
  }

  all(): ReadinessCheck[] {
    return [...this.checks.values()];
  }

  registerCondition(condition: ReadinessCondition): () => void {
    this.serviceConditions.set(condition.name, condition);
    return () => this.serviceConditions.delete(condition.name);
  }

  conditions(): ReadinessCondition[] {
    return [...this.serviceConditions.values()];
  }

  beginDrain(): void {
    this.drainingSince ??= new Date();
  }

  draining(): Date | undefined {
    return this.drainingSince;
  }
}

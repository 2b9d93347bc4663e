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
 * Where modules register what readiness depends on (the feedback database, the MLflow follower...), and where
 * the shutdown drain marks the service as not ready.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private drainingSince: Date | undefined;

  register(check: ReadinessCheck): () => void {
    this.checks.set(check.name, check);
    return () => this.checks.delete(check.name);
  }

  all(): ReadinessCheck[] {
    return [...this.checks.values()];
  }

  beginDrain(): void {
    this.drainingSince ??= new Date();
  }

  draining(): Date | undefined {
    return this.drainingSince;
  }
}

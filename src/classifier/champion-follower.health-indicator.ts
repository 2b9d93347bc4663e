import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ChampionFollower } from './champion-follower';

/**
 * Readiness details of the registry link as serving sees it: `up` while following (MLflow or the local registry),
 * `degraded` (HTTP 200, still serving the last good model) when the last check failed.
 */
@Injectable()
export class ChampionFollowerHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly follower: ChampionFollower,
  ) {}

  isHealthy(key = 'mlflow'): HealthIndicatorResult {
    const session = this.indicators.check(key);
    const state = this.follower.state();
    const details = { ...state } as Record<string, unknown>;
    return state.lastError === undefined ? session.up(details) : session.degraded(details);
  }
}

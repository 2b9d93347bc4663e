import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { VaultSession } from './vault-session';

/**
 * Terminus indicator for Vault: `up` when Vault is not used or every renewal/refresh succeeds; `degraded`
 * (the service stays ready, HTTP 200) while Vault is unavailable and the last secrets are still valid; `down`
 * once the database credentials lease has really expired. Details never contain secret values.
 */
@Injectable()
export class VaultHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(VaultSession) private readonly session?: VaultSession | null,
  ) {}

  isHealthy(key = 'vault'): HealthIndicatorResult {
    const check = this.indicators.check(key);
    if (!this.session) return check.up({ vault: 'disabled' });
    const { status, ...details } = this.session.health();
    if (status === 'down') return check.down(details);
    if (status === 'degraded') return check.degraded(details);
    return check.up(details);
  }
}

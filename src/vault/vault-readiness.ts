import { Inject, Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '../health/readiness.registry';
import { VaultSession } from './vault-session';

/**
 * Registers Vault with the service's readiness checks: `vault` (not required: shown as degraded while Vault is
 * unavailable and the last secrets are in use) and, with dynamic database credentials, `vault_database_lease`
 * (required: not ready once the lease has really expired).
 */
@Injectable()
export class VaultReadiness implements OnModuleInit, OnModuleDestroy {
  private readonly unregister: (() => void)[] = [];

  constructor(
    @Inject(VaultSession) private readonly session: VaultSession | null,
    @Optional() private readonly registry?: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    const session = this.session;
    if (!session || !this.registry) return;
    this.unregister.push(
      this.registry.register({
        name: 'vault',
        required: false,
        check: () => {
          const { status, ...details } = session.health();
          return { up: status === 'up', details };
        },
      }),
    );
    if (session.settings.dbRole !== undefined && session.usesVault) {
      this.unregister.push(
        this.registry.register({
          name: 'vault_database_lease',
          required: true,
          check: () => {
            const { status, databaseLeaseExpiresAt, reason } = session.health();
            return {
              up: status !== 'down',
              details: { expires_at: databaseLeaseExpiresAt, ...(reason ? { reason } : {}) },
            };
          },
        }),
      );
    }
  }

  onModuleDestroy(): void {
    for (const unregister of this.unregister.splice(0)) unregister();
  }
}

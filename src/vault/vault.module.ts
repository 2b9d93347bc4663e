import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { currentVaultSession, processSecrets } from './load-secrets';
import { SecretsService } from '../config/secrets.service';
import { VaultHealthIndicator } from './vault-health.indicator';
import { VaultReadiness } from './vault-readiness';
import { VaultSession } from './vault-session';

function providersFor(session: () => VaultSession | undefined): Provider[] {
  return [
    { provide: VaultSession, useFactory: () => session() ?? null },
    { provide: SecretsService, useFactory: () => session()?.secrets ?? processSecrets() },
    VaultHealthIndicator,
    VaultReadiness,
  ];
}

/**
 * Global module that provides the one SecretsService (the instance loadSecretsBeforeBootstrap filled), the
 * VaultSession (or null without Vault) and VaultHealthIndicator, registers Vault with the ReadinessRegistry when
 * the HealthModule provides one, and stops the session's background work at shutdown. `imports: [VaultModule]` uses the session from loadSecretsBeforeBootstrap; `VaultModule.forRoot(s)`
 * takes one explicitly (tests).
 */
@Global()
@Module({
  imports: [TerminusModule],
  providers: providersFor(currentVaultSession),
  exports: [SecretsService, VaultSession, VaultHealthIndicator],
})
export class VaultModule implements OnApplicationShutdown {
  constructor(@Inject(VaultSession) private readonly session: VaultSession | null) {}

  static forRoot(session?: VaultSession): DynamicModule {
    return {
      module: VaultModule,
      global: true,
      imports: [TerminusModule],
      providers: providersFor(() => session),
      exports: [SecretsService, VaultSession, VaultHealthIndicator],
    };
  }

  onApplicationShutdown(): void {
    this.session?.stop();
  }
}

import { Test } from '@nestjs/testing';
import { processSecrets } from './load-secrets';
import { SecretsService } from './secrets.service';
import { VaultHealthIndicator } from './vault-health.indicator';
import { VaultModule } from './vault.module';

describe(VaultModule.name, () => {
  it('should provide the process-wide SecretsService and an up indicator when Vault is not used', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [VaultModule] }).compile();
    expect(moduleRef.get(SecretsService)).toBe(processSecrets());
    expect(moduleRef.get(VaultHealthIndicator).isHealthy()).toEqual({ vault: { status: 'up', vault: 'disabled' } });
    await moduleRef.close();
  });
});

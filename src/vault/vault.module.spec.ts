import { Test } from '@nestjs/testing';
import { SecretsService, VaultHealthIndicator, VaultModule, processSecrets, withLoadedSecrets } from './index';

describe(VaultModule.name, () => {
  it('should provide the process-wide SecretsService and an up indicator when Vault is not used', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [VaultModule] }).compile();
    expect(moduleRef.get(SecretsService)).toBe(processSecrets());
    expect(moduleRef.get(VaultHealthIndicator).isHealthy()).toEqual({ vault: { status: 'up', vault: 'disabled' } });
    await moduleRef.close();
  });
});

describe(withLoadedSecrets.name, () => {
  it('should lay the loaded secrets over a configuration object', () => {
    const secrets = new SecretsService({ DATABASE_URL: 'postgres://env/spam' });
    secrets.set('ADMIN_API_TOKEN', 'from-vault');
    expect(withLoadedSecrets({ PORT: '3000', ADMIN_API_TOKEN: 'from-env' }, secrets)).toEqual({
      PORT: '3000',
      ADMIN_API_TOKEN: 'from-vault',
    });
  });
});

describe('src/vault index', () => {
  it('should resolve every export (no import cycle leaves one undefined)', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const index = require('./index') as Record<string, unknown>;
    expect(Object.entries(index).filter(([, value]) => value === undefined)).toEqual([]);
    expect(Object.keys(index)).toEqual(
      expect.arrayContaining(['loadSecretsBeforeBootstrap', 'VaultModule', 'SecretsService']),
    );
  });
});

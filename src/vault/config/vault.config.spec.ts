import { InvalidEnvironmentError } from '../../config/read-environment';
import { VaultEnvironment, readVaultSettings, vaultConfig } from './vault.config';

describe(VaultEnvironment.name, () => {
  it('should default everything when VAULT_ADDR is unset', () => {
    expect(readVaultSettings({})).toEqual({
      address: undefined,
      authMethod: 'kubernetes',
      token: undefined,
      kubernetesRole: undefined,
      kubernetesTokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      kubernetesMount: 'kubernetes',
      approleRoleId: undefined,
      approleSecretId: undefined,
      approleSecretIdFile: undefined,
      approleMount: 'approle',
      namespace: undefined,
      caCertPath: undefined,
      kvMount: 'secret',
      secretPath: 'spam-classifier/config',
      dbRole: undefined,
      dbMount: 'database',
      refreshIntervalMs: 60_000,
      startupTimeoutMs: 30_000,
      requestTimeoutMs: 5_000,
      agentSecretsDir: '/vault/secrets',
    });
  });

  it('should read numbers and trim values', () => {
    const settings = readVaultSettings({
      VAULT_ADDR: 'https://vault.internal:8200/',
      VAULT_AUTH_METHOD: 'approle',
      VAULT_APPROLE_ROLE_ID: 'role',
      VAULT_APPROLE_SECRET_ID: 'secret',
      VAULT_REFRESH_INTERVAL_MS: ' 15000 ',
      VAULT_DB_ROLE: 'spam-classifier',
      VAULT_SECRET_PATH: 'team/spam/config',
    });
    expect(settings).toMatchObject({
      address: 'https://vault.internal:8200',
      authMethod: 'approle',
      refreshIntervalMs: 15_000,
      dbRole: 'spam-classifier',
      secretPath: 'team/spam/config',
    });
  });

  it('should list every bad KEY=value in one error and never show a secret', () => {
    const read = (): unknown =>
      readVaultSettings({
        VAULT_ADDR: 'http://vault:8200',
        VAULT_AUTH_METHOD: 'token',
        VAULT_TOKEN: '   ',
        VAULT_REFRESH_INTERVAL_MS: '10',
        VAULT_STARTUP_TIMEOUT_MS: 'later',
        VAULT_SECRET_PATH: '/leading/slash',
        VAULT_CACERT: '/nonexistent/ca.pem',
      });
    expect(read).toThrow(InvalidEnvironmentError);
    try {
      read();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^Invalid environment \(5 problems\):/);
      expect(message).toContain('VAULT_REFRESH_INTERVAL_MS="10": ');
      expect(message).toContain('VAULT_STARTUP_TIMEOUT_MS="later": ');
      expect(message).toContain('VAULT_SECRET_PATH="/leading/slash": VAULT_SECRET_PATH must be a Vault path');
      expect(message).toContain('VAULT_CACERT="/nonexistent/ca.pem": no readable file there');
      // An all-blank token counts as unset, which token auth needs.
      expect(message).toContain('VAULT_TOKEN=(unset): ');
    }
    expect(() =>
      readVaultSettings({ VAULT_ADDR: 'http://vault:8200', VAULT_AUTH_METHOD: 'token', VAULT_TOKEN: 'hvs.secret"' }),
    ).not.toThrow();
  });

  it('should require the credentials of the chosen auth method', () => {
    expect(() => readVaultSettings({ VAULT_ADDR: 'http://vault:8200' })).toThrow(
      'VAULT_AUTH_METHOD=(unset): VAULT_ADDR is set but nothing says how to sign in to Vault: set VAULT_TOKEN (token auth), VAULT_KUBERNETES_ROLE (Kubernetes auth)',
    );
    expect(() => readVaultSettings({ VAULT_ADDR: 'http://vault:8200', VAULT_AUTH_METHOD: 'kubernetes' })).toThrow(
      /VAULT_KUBERNETES_ROLE=\(unset\): /,
    );
    expect(() =>
      readVaultSettings({ VAULT_ADDR: 'http://vault:8200', VAULT_AUTH_METHOD: 'approle', VAULT_APPROLE_ROLE_ID: 'r' }),
    ).toThrow('set VAULT_APPROLE_SECRET_ID or VAULT_APPROLE_SECRET_ID_FILE for AppRole');
    expect(() => readVaultSettings({ VAULT_ADDR: 'http://vault:8200', VAULT_KUBERNETES_ROLE: 'has spaces' })).toThrow(
      /VAULT_KUBERNETES_ROLE must name a Vault role/,
    );
  });

  it('should sign in the way Vault users expect when VAULT_AUTH_METHOD is not set', () => {
    const addr = 'http://vault:8200';
    expect(readVaultSettings({ VAULT_ADDR: addr, VAULT_TOKEN: 'hvs.x' }).authMethod).toBe('token');
    expect(readVaultSettings({ VAULT_ADDR: addr, VAULT_KUBERNETES_ROLE: 'app' }).authMethod).toBe('kubernetes');
    expect(readVaultSettings({ VAULT_ADDR: addr, VAULT_KUBERNETES_ROLE: 'app', VAULT_TOKEN: 'hvs.x' }).authMethod).toBe(
      'kubernetes',
    );
    expect(
      readVaultSettings({ VAULT_ADDR: addr, VAULT_APPROLE_ROLE_ID: 'r', VAULT_APPROLE_SECRET_ID: 's' }).authMethod,
    ).toBe('approle');
    expect(
      readVaultSettings({
        VAULT_ADDR: addr,
        VAULT_AUTH_METHOD: 'approle',
        VAULT_TOKEN: 'hvs.x',
        VAULT_APPROLE_ROLE_ID: 'r',
        VAULT_APPROLE_SECRET_ID: 's',
      }).authMethod,
    ).toBe('approle');
  });

  it('should give ConfigService the settings without the token or secret id', () => {
    const before = { ...process.env };
    try {
      process.env.VAULT_ADDR = 'http://vault:8200';
      process.env.VAULT_AUTH_METHOD = 'token';
      process.env.VAULT_TOKEN = 'hvs.do-not-expose';
      const visible = vaultConfig() as Record<string, unknown>;
      expect(visible.address).toBe('http://vault:8200');
      expect(JSON.stringify(visible)).not.toContain('hvs.do-not-expose');
    } finally {
      for (const key of ['VAULT_ADDR', 'VAULT_AUTH_METHOD', 'VAULT_TOKEN']) {
        if (before[key] === undefined) delete process.env[key];
        else process.env[key] = before[key];
      }
    }
  });
});

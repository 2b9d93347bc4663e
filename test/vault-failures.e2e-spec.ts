import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ReadinessRegistry } from '../src/health/readiness.registry';
import { InvalidEnvironmentError } from '../src/config/read-environment';
import { loadSecretsBeforeBootstrap } from '../src/vault/load-secrets';
import { SecretsService } from '../src/config/secrets.service';
import { VaultHealthIndicator } from '../src/vault/vault-health.indicator';
import { VaultModule } from '../src/vault/vault.module';
import { DATABASE_USERNAME, VaultSession, VaultStartupError } from '../src/vault/vault-session';
import { VaultDouble } from './doubles/vault-server';
import {
  CapturingLogger,
  POLICY_FILE,
  SECRET_PATH,
  createVaultFixture,
  waitFor,
  type VaultFixture,
} from './vault-fixtures';

const POLICY = readFileSync(POLICY_FILE, 'utf8');

/** Stands in for the service's global HealthModule, which provides the ReadinessRegistry. */
@Global()
@Module({ providers: [ReadinessRegistry], exports: [ReadinessRegistry] })
class ReadinessTestModule {}

describe('Vault failures', () => {
  let fixture: VaultFixture;
  let vault: VaultDouble | undefined;
  let session: VaultSession | undefined;

  beforeEach(async () => {
    fixture = await createVaultFixture();
  });

  afterEach(async () => {
    session?.stop();
    session = undefined;
    await vault?.close();
    vault = undefined;
    await fixture.cleanup();
  });

  function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      VAULT_ADDR: (vault as VaultDouble).url,
      VAULT_KUBERNETES_ROLE: 'spam-classifier',
      VAULT_KUBERNETES_TOKEN_PATH: fixture.jwtPath,
      VAULT_AGENT_SECRETS_DIR: fixture.agentDir,
      VAULT_STARTUP_TIMEOUT_MS: '1500',
      VAULT_REQUEST_TIMEOUT_MS: '1000',
      ...extra,
    };
  }

  async function startDouble(extra: Partial<Parameters<typeof VaultDouble.start>[0]> = {}): Promise<VaultDouble> {
    vault = await VaultDouble.start({
      kubernetes: { role: 'spam-classifier', jwt: fixture.jwt },
      policyHcl: POLICY,
      kv: { [SECRET_PATH]: { ADMIN_API_TOKEN: 'admin-token-1' } },
      ...extra,
    });
    return vault;
  }

  it('should retry an unreachable Vault with backoff and then reject with one clear message within the bound', async () => {
    const double = await startDouble();
    await double.goDown();
    const logger = new CapturingLogger();
    const started = Date.now();

    const error = await loadSecretsBeforeBootstrap(env(), { logger }).catch((e: unknown) => e);

    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(VaultStartupError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Vault at ${double.url.replace(/[.]/g, '\\.')} is configured but could not be used within ` +
          'VAULT_STARTUP_TIMEOUT_MS=1500 \\(\\d+ attempts\\); last error: Vault kubernetes login failed: ' +
          'Vault unreachable \\(ECONNREFUSED\\)\\. Not starting without its secrets\\.$',
      ),
    );
    const attempts = Number(/\((\d+) attempts\)/.exec((error as Error).message)?.[1]);
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThan(20); // backoff, not a busy loop
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(10_000);
    // One "retrying" line per failed attempt, except perhaps the last (the bound may end the wait).
    const retries = logger.lines.filter((line) => line.includes('retrying in')).length;
    expect([attempts - 1, attempts]).toContain(retries);
  });

  it('should keep retrying while Vault is sealed and start once it is unsealed within the bound', async () => {
    const double = await startDouble();
    double.seal();
    setTimeout(() => double.unseal(), 600);

    session = await loadSecretsBeforeBootstrap(env({ VAULT_STARTUP_TIMEOUT_MS: '10000' }), {
      logger: new CapturingLogger(),
      background: false,
    });

    expect(session?.secrets.get('ADMIN_API_TOKEN')).toBe('admin-token-1');
    expect(double.requests.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(2);
  });

  it('should fail at once, naming the cause, when the role, the secret path or the settings are wrong', async () => {
    await startDouble();
    const quick = async (extra: Record<string, string>): Promise<{ message: string; elapsed: number }> => {
      const started = Date.now();
      const error = (await loadSecretsBeforeBootstrap(env({ VAULT_STARTUP_TIMEOUT_MS: '20000', ...extra }), {
        logger: new CapturingLogger(),
      }).catch((e: unknown) => e)) as Error;
      return { message: error.message, elapsed: Date.now() - started };
    };

    const badRole = await quick({ VAULT_KUBERNETES_ROLE: 'other-role' });
    expect(badRole.message).toBe(
      `Vault at ${vault!.url} is configured but loading the secrets failed: Vault kubernetes login failed: ` +
        'HTTP 400 (invalid role name "other-role"). Not starting without its secrets.',
    );
    expect(badRole.elapsed).toBeLessThan(5_000);

    const missing = await quick({ VAULT_SECRET_PATH: 'spam-classifier/missing' });
    // The policy allows only the service's own path, so Vault answers 403 before it would say 404.
    expect(missing.message).toContain(
      'Vault KV read secret/data/spam-classifier/missing failed: HTTP 403 (1 error occurred: * permission denied)',
    );

    const noFile = await quick({ VAULT_KUBERNETES_TOKEN_PATH: join(fixture.dir, 'nope') });
    expect(noFile.message).toContain(
      `cannot read Kubernetes service-account token file ${join(fixture.dir, 'nope')} (ENOENT)`,
    );

    await writeFile(join(fixture.agentDir, 'broken'), 'ADMIN_API_TOKEN=ok\nthis line is wrong\n');
    const badAgent = await quick({});
    expect(badAgent.message).toContain(
      `${join(fixture.agentDir, 'broken')}:2: expected KEY=value or export KEY="value"`,
    );

    const settings = await loadSecretsBeforeBootstrap({
      VAULT_ADDR: 'not a url',
      VAULT_AUTH_METHOD: 'ldap',
      VAULT_REFRESH_INTERVAL_MS: 'soon',
    }).catch((e: unknown) => e);
    expect(settings).toBeInstanceOf(InvalidEnvironmentError);
    expect((settings as Error).message).toMatch(/VAULT_ADDR="not a url": /);
    expect((settings as Error).message).toMatch(/VAULT_AUTH_METHOD="ldap": /);
    expect((settings as Error).message).toMatch(/VAULT_REFRESH_INTERVAL_MS="soon": /);
  });

  it('should report a 404 for a missing KV secret when the policy allows the path', async () => {
    const double = await startDouble();
    double.deleteSecret(SECRET_PATH);
    const error = (await loadSecretsBeforeBootstrap(env(), { logger: new CapturingLogger() }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toContain('Vault KV read secret/data/spam-classifier/config failed: HTTP 404.');
  });

  it('should keep the last secrets and report degraded while Vault is down, and up again when it is back', async () => {
    const double = await startDouble({
      database: { role: 'spam-classifier', leaseDurationSeconds: 30, maxTtlSeconds: 300 },
    });
    session = await loadSecretsBeforeBootstrap(
      env({ VAULT_REFRESH_INTERVAL_MS: '1000', VAULT_DB_ROLE: 'spam-classifier' }),
      {
        logger: new CapturingLogger(),
      },
    );
    const moduleRef = await Test.createTestingModule({
      imports: [ReadinessTestModule, VaultModule.forRoot(session)],
    }).compile();
    await moduleRef.init();
    const registry = moduleRef.get(ReadinessRegistry);
    const ready = (): unknown => registry.all().map((c) => [c.name, (c.check() as { up: boolean }).up]);
    expect(ready()).toEqual([
      ['vault', true],
      ['vault_database_lease', true],
    ]);
    const secrets = moduleRef.get(SecretsService);
    const health = moduleRef.get(VaultHealthIndicator);
    const user = secrets.get(DATABASE_USERNAME);

    await double.goDown();
    await waitFor(() => session!.health().status === 'degraded', 'degraded health');

    expect(secrets.get('ADMIN_API_TOKEN')).toBe('admin-token-1');
    expect(secrets.get(DATABASE_USERNAME)).toBe(user);
    expect(health.isHealthy()).toMatchObject({
      vault: { status: 'degraded', vault: 'unavailable', lastError: expect.stringContaining('ECONNREFUSED') },
    });
    // Degraded, still ready: the non-required check is down, the required lease check is up.
    expect(ready()).toEqual([
      ['vault', false],
      ['vault_database_lease', true],
    ]);

    double.putSecret(SECRET_PATH, { ADMIN_API_TOKEN: 'admin-token-2' });
    await double.comeBack();
    await waitFor(() => session!.health().status === 'up', 'health up again', 20_000);
    expect(secrets.get('ADMIN_API_TOKEN')).toBe('admin-token-2');
    expect(health.isHealthy()).toMatchObject({ vault: { status: 'up', vault: 'connected', consecutiveFailures: 0 } });
    await moduleRef.close();
  });

  it('should stay ready while sealed until the database lease really expires, then report down', async () => {
    const double = await startDouble({
      database: { role: 'spam-classifier', leaseDurationSeconds: 3, maxTtlSeconds: 300 },
    });
    session = await loadSecretsBeforeBootstrap(
      env({ VAULT_REFRESH_INTERVAL_MS: '1000', VAULT_DB_ROLE: 'spam-classifier' }),
      {
        logger: new CapturingLogger(),
      },
    );
    const expiresAt = Date.parse(session!.health().databaseLeaseExpiresAt as string);
    double.seal();

    await waitFor(() => session!.health().status === 'degraded', 'degraded health');
    expect(Date.now()).toBeLessThan(expiresAt);
    await waitFor(() => session!.health().status === 'down', 'down once the lease expired', 20_000);

    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    expect(session!.health()).toMatchObject({ status: 'down', lastError: expect.stringContaining('Vault is sealed') });
    const moduleRef = await Test.createTestingModule({
      imports: [ReadinessTestModule, VaultModule.forRoot(session)],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get(VaultHealthIndicator).isHealthy()).toMatchObject({ vault: { status: 'down' } });
    const readiness = moduleRef.get(ReadinessRegistry).all();
    expect(readiness.map((c) => [c.name, c.required, c.check()])).toEqual([
      ['vault', false, expect.objectContaining({ up: false })],
      ['vault_database_lease', true, { up: false, details: expect.objectContaining({ reason: expect.any(String) }) }],
    ]);

    double.unseal();
    await waitFor(() => session!.health().status === 'up', 'new credentials after unseal', 20_000);
    expect(double.activeLeases()).toHaveLength(1);
    await moduleRef.close();
    expect(session!.health().status).toBe('up'); // closing the app stopped the background work, not the secrets
  });
});

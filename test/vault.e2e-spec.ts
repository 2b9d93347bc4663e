import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AdminTokenGuard } from '../src/auth/admin-token.guard';
import { databaseConnectionString, onDatabaseCredentialsChange } from '../src/config/database-url';
import { loadSecretsBeforeBootstrap } from '../src/vault/load-secrets';
import { SecretsService } from '../src/config/secrets.service';
import { VaultHealthIndicator } from '../src/vault/vault-health.indicator';
import { VaultModule } from '../src/vault/vault.module';
import { DATABASE_PASSWORD, DATABASE_USERNAME, VaultSession } from '../src/vault/vault-session';
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

/** An admin route guarded as the service's admin routes are. */
@Controller('admin')
class AdminProbeController {
  @Get('ping')
  @UseGuards(AdminTokenGuard)
  ping(): { ok: true } {
    return { ok: true };
  }
}

describe(VaultSession.name, () => {
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

  function kubernetesEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      VAULT_ADDR: (vault as VaultDouble).url,
      VAULT_AUTH_METHOD: 'kubernetes',
      VAULT_KUBERNETES_ROLE: 'spam-classifier',
      VAULT_KUBERNETES_TOKEN_PATH: fixture.jwtPath,
      VAULT_AGENT_SECRETS_DIR: fixture.agentDir,
      VAULT_STARTUP_TIMEOUT_MS: '5000',
      ...extra,
    };
  }

  it('should load secrets with Kubernetes auth before bootstrap, with Vault KV > Agent files > environment', async () => {
    vault = await VaultDouble.start({
      kubernetes: { role: 'spam-classifier', jwt: fixture.jwt },
      policyHcl: POLICY,
      kv: { [SECRET_PATH]: { ADMIN_API_TOKEN: 'kv-admin-token-1', MLFLOW_TRACKING_TOKEN: 'kv-mlflow-token' } },
    });
    await writeFile(
      join(fixture.agentDir, 'config'),
      '# rendered by the Vault Agent\nexport ADMIN_API_TOKEN="agent-admin-token"\nAGENT_ONLY=agent-value\n',
    );
    await writeFile(join(fixture.agentDir, 'extra.json'), '{"JSON_ONLY": "json-value"}');
    const env = kubernetesEnv({ ADMIN_API_TOKEN: 'env-admin-token', AGENT_ONLY: 'env-agent', ENV_ONLY: 'env-value' });
    const logger = new CapturingLogger();

    session = await loadSecretsBeforeBootstrap(env, { logger, background: false });

    const secrets = (session as VaultSession).secrets;
    expect(secrets.get('ADMIN_API_TOKEN')).toBe('kv-admin-token-1');
    expect(secrets.get('MLFLOW_TRACKING_TOKEN')).toBe('kv-mlflow-token');
    expect(secrets.get('AGENT_ONLY')).toBe('agent-value');
    expect(secrets.get('JSON_ONLY')).toBe('json-value');
    expect(secrets.get('ENV_ONLY')).toBe('env-value');
    expect(vault.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /v1/auth/kubernetes/login 200',
      'GET /v1/secret/data/spam-classifier/config 200',
    ]);
    expect(session?.health()).toMatchObject({ status: 'up', vault: 'connected', kvVersion: 1, agentFiles: 3 });
    expect(logger.lines.join('\n')).toMatch(/loaded 2 KV key\(s\) \(version 1\)/);

    const moduleRef = await Test.createTestingModule({ imports: [VaultModule.forRoot(session)] }).compile();
    expect(moduleRef.get(SecretsService)).toBe(secrets);
    expect(moduleRef.get(VaultHealthIndicator).isHealthy()).toMatchObject({ vault: { status: 'up', kvVersion: 1 } });
    await moduleRef.close();
    // As app.module.ts imports it: the plain module finds the session loadSecretsBeforeBootstrap started.
    const appRef = await Test.createTestingModule({ imports: [VaultModule] }).compile();
    expect(appRef.get(SecretsService)).toBe(secrets);
    expect(appRef.get(VaultSession)).toBe(session);
    await appRef.close();
  });

  it('should authenticate with AppRole and with a token (looked up with lookup-self)', async () => {
    vault = await VaultDouble.start({
      approle: { roleId: 'role-id-1', secretId: 'approle-secret-id-1' },
      staticTokens: { 'hvs.static-token-1': { ttlSeconds: 3600 } },
      policyHcl: POLICY,
      kv: { [SECRET_PATH]: { ADMIN_API_TOKEN: 'kv-admin-token' } },
    });
    const secretIdFile = join(fixture.dir, 'secret-id');
    await writeFile(secretIdFile, 'approle-secret-id-1\n');
    const base = { VAULT_ADDR: vault.url, VAULT_AGENT_SECRETS_DIR: fixture.agentDir };

    session = await loadSecretsBeforeBootstrap(
      {
        ...base,
        VAULT_AUTH_METHOD: 'approle',
        VAULT_APPROLE_ROLE_ID: 'role-id-1',
        VAULT_APPROLE_SECRET_ID_FILE: secretIdFile,
      },
      { logger: new CapturingLogger(), background: false },
    );
    expect(session?.secrets.get('ADMIN_API_TOKEN')).toBe('kv-admin-token');
    session?.stop();

    session = await loadSecretsBeforeBootstrap(
      { ...base, VAULT_AUTH_METHOD: 'token', VAULT_TOKEN: 'hvs.static-token-1' },
      { logger: new CapturingLogger(), background: false },
    );
    expect(session?.secrets.get('ADMIN_API_TOKEN')).toBe('kv-admin-token');
    expect(vault.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /v1/auth/approle/login 200',
      'GET /v1/secret/data/spam-classifier/config 200',
      'GET /v1/auth/token/lookup-self 200',
      'GET /v1/secret/data/spam-classifier/config 200',
    ]);
    expect(session?.health().tokenExpiresAt).toBeDefined();
    session?.stop();

    // Vault's own conventions: VAULT_ADDR and VAULT_TOKEN alone mean token auth.
    session = await loadSecretsBeforeBootstrap(
      { ...base, VAULT_TOKEN: 'hvs.static-token-1' },
      { logger: new CapturingLogger(), background: false },
    );
    expect(session?.secrets.get('ADMIN_API_TOKEN')).toBe('kv-admin-token');
    expect(vault.requests.slice(4).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /v1/auth/token/lookup-self 200',
      'GET /v1/secret/data/spam-classifier/config 200',
    ]);
  });

  it('should talk TLS to Vault with the CA from VAULT_CACERT, and refuse an untrusted certificate at once', async () => {
    const key = join(fixture.dir, 'vault.key');
    const cert = join(fixture.dir, 'vault.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    vault = await VaultDouble.start({
      tls: { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') },
      kubernetes: { role: 'spam-classifier', jwt: fixture.jwt },
      policyHcl: POLICY,
      kv: { [SECRET_PATH]: { ADMIN_API_TOKEN: 'over-tls' } },
    });
    expect(vault.url).toMatch(/^https:/);

    session = await loadSecretsBeforeBootstrap(kubernetesEnv({ VAULT_CACERT: cert }), {
      logger: new CapturingLogger(),
      background: false,
    });
    expect(session?.secrets.get('ADMIN_API_TOKEN')).toBe('over-tls');

    const started = Date.now();
    const error = (await loadSecretsBeforeBootstrap(kubernetesEnv(), { logger: new CapturingLogger() }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(/kubernetes login failed: TLS certificate not trusted \(\w+\); set VAULT_CACERT/);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('should let an admin endpoint accept a rotated admin token without a restart', async () => {
    vault = await VaultDouble.start({
      kubernetes: { role: 'spam-classifier', jwt: fixture.jwt },
      policyHcl: POLICY,
      kv: { [SECRET_PATH]: { ADMIN_API_TOKEN: 'admin-token-v1', DATABASE_URL: 'postgres://app:pw-v1@db:5432/spam' } },
    });
    session = await loadSecretsBeforeBootstrap(kubernetesEnv({ VAULT_REFRESH_INTERVAL_MS: '1000' }), {
      logger: new CapturingLogger(),
    });
    const moduleRef = await Test.createTestingModule({
      imports: [VaultModule.forRoot(session)],
      controllers: [AdminProbeController],
      providers: [AdminTokenGuard],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const ping = async (token: string): Promise<number> =>
      (await app.inject({ method: 'GET', url: '/admin/ping', headers: { authorization: `Bearer ${token}` } }))
        .statusCode;
    const secrets = app.get(SecretsService);
    const changes: string[] = [];
    secrets.onChange((name) => changes.push(name));
    try {
      expect(await ping('admin-token-v1')).toBe(200);
      expect(await ping('admin-token-v2')).toBe(403);

      vault.putSecret(SECRET_PATH, {
        ADMIN_API_TOKEN: 'admin-token-v2',
        DATABASE_URL: 'postgres://app:pw-v1@db:5432/spam',
      });
      await waitFor(() => secrets.get('ADMIN_API_TOKEN') === 'admin-token-v2', 'the rotated admin token');

      expect(await ping('admin-token-v2')).toBe(200);
      expect(await ping('admin-token-v1')).toBe(403);
      expect(changes).toEqual(['ADMIN_API_TOKEN']);
      expect(session?.health()).toMatchObject({ status: 'up', kvVersion: 2 });
      expect(secrets.redact('old admin-token-v1 new admin-token-v2')).toBe('old [REDACTED] new [REDACTED]');
    } finally {
      await app.close();
    }
  });

  it('should renew the token before its TTL ends and log in again when max TTL is near', async () => {
    vault = await VaultDouble.start({
      kubernetes: { role: 'spam-classifier', jwt: fixture.jwt },
      policyHcl: POLICY,
      tokenTtlSeconds: 3,
      tokenMaxTtlSeconds: 5,
      kv: { [SECRET_PATH]: { ADMIN_API_TOKEN: 'admin-token' } },
    });
    session = await loadSecretsBeforeBootstrap(kubernetesEnv({ VAULT_REFRESH_INTERVAL_MS: '1000' }), {
      logger: new CapturingLogger(),
    });

    await waitFor(
      () => vault!.count('POST', '/v1/auth/kubernetes/login') >= 2,
      'a second login after renewals',
      20_000,
    );

    const double = vault;
    expect(double.count('POST', '/v1/auth/token/renew-self')).toBeGreaterThanOrEqual(1);
    // Every KV read used a live token: renewal happened before the TTL ran out.
    expect(double.requests.filter((r) => r.path.includes('/data/') && r.status !== 200)).toEqual([]);
    expect(session?.health().status).toBe('up');
  });

  it('should renew the database lease and publish new credentials before the old ones expire', async () => {
    vault = await VaultDouble.start({
      kubernetes: { role: 'spam-classifier', jwt: fixture.jwt },
      policyHcl: POLICY,
      kv: { [SECRET_PATH]: { DATABASE_URL: 'postgres://static:static-pw@db.internal:5432/spam?sslmode=require' } },
      database: { role: 'spam-classifier', leaseDurationSeconds: 3, maxTtlSeconds: 4 },
    });
    const double = vault;
    session = await loadSecretsBeforeBootstrap(kubernetesEnv({ VAULT_DB_ROLE: 'spam-classifier' }), {
      logger: new CapturingLogger(),
    });
    const secrets = (session as VaultSession).secrets;
    const first = {
      user: secrets.get(DATABASE_USERNAME) as string,
      password: secrets.get(DATABASE_PASSWORD) as string,
    };
    expect(double.isValidDatabaseLogin(first.user, first.password)).toBe(true);
    expect(databaseConnectionString(secrets)).toBe(
      `postgres://${first.user}:${encodeURIComponent(first.password)}@db.internal:5432/spam?sslmode=require`,
    );

    // The pool's side: on every published change, the new credentials must work and the old ones still work.
    const rotations: { newValid: boolean; oldStillValid: boolean }[] = [];
    let current = first;
    onDatabaseCredentialsChange(secrets, (connectionString) => {
      const url = new URL(connectionString as string);
      const next = { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
      rotations.push({
        newValid: double.isValidDatabaseLogin(next.user, next.password),
        oldStillValid: double.isValidDatabaseLogin(current.user, current.password),
      });
      current = next;
    });
    // "Queries" every 20 ms with whatever the pool currently holds: none may fail across two rotations.
    let queries = 0;
    let failed = 0;
    const load = setInterval(() => {
      queries += 1;
      if (!double.isValidDatabaseLogin(current.user, current.password)) failed += 1;
    }, 20);
    try {
      await waitFor(() => rotations.length >= 2, 'two credential rotations', 25_000);
    } finally {
      clearInterval(load);
    }

    expect(rotations).toEqual([
      { newValid: true, oldStillValid: true },
      { newValid: true, oldStillValid: true },
    ]);
    expect(failed).toBe(0);
    expect(queries).toBeGreaterThan(100);
    expect(
      double.requests.filter((r) => r.path.startsWith('/v1/sys/leases/renew/database/creds/spam-classifier/')),
    ).not.toEqual([]);
    expect(double.requests.filter((r) => r.status === 403)).toEqual([]);
  });

  it('should fetch new database credentials at once when the lease was revoked', async () => {
    vault = await VaultDouble.start({
      kubernetes: { role: 'spam-classifier', jwt: fixture.jwt },
      policyHcl: POLICY,
      kv: { [SECRET_PATH]: { DATABASE_URL: 'postgres://db:5432/spam' } },
      database: { role: 'spam-classifier', leaseDurationSeconds: 3, maxTtlSeconds: 60 },
    });
    session = await loadSecretsBeforeBootstrap(kubernetesEnv({ VAULT_DB_ROLE: 'spam-classifier' }), {
      logger: new CapturingLogger(),
    });
    const secrets = (session as VaultSession).secrets;
    const firstUser = secrets.get(DATABASE_USERNAME);
    for (const lease of vault.activeLeases()) vault.expireLease(lease.leaseId);

    await waitFor(() => secrets.get(DATABASE_USERNAME) !== firstUser, 'new credentials after the revoked lease');

    expect(vault.isValidDatabaseLogin(secrets.get(DATABASE_USERNAME)!, secrets.get(DATABASE_PASSWORD)!)).toBe(true);
    expect(vault.requests.some((r) => r.path.startsWith('/v1/sys/leases/renew/') && r.status === 400)).toBe(true);
    expect(session?.health().status).toBe('up');
  });
});

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { Test } from '@nestjs/testing';
import { loadSecretsBeforeBootstrap } from '../src/vault/load-secrets';
import { secretRedactionPinoOptions, SECRET_REDACTION_PATHS } from '../src/config/redaction';
import { SecretsService } from '../src/config/secrets.service';
import { VaultHealthIndicator } from '../src/vault/vault-health.indicator';
import { VaultModule } from '../src/vault/vault.module';
import { DATABASE_PASSWORD, DATABASE_USERNAME, type VaultLogger, type VaultSession } from '../src/vault/vault-session';
import { VaultDouble } from './doubles/vault-server';
import { POLICY_FILE, SECRET_PATH, createVaultFixture, waitFor, type VaultFixture } from './vault-fixtures';

describe('Vault secret redaction', () => {
  let fixture: VaultFixture;
  let vault: VaultDouble | undefined;
  let session: VaultSession | undefined;
  let captured: string[];
  let restoreOutput: () => void;

  beforeEach(async () => {
    fixture = await createVaultFixture();
    captured = [];
    // Everything the process prints during the test counts, not only the logger under test.
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    const capture = (chunk: unknown): boolean => {
      captured.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    restoreOutput = () => {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    };
  });

  afterEach(async () => {
    restoreOutput();
    session?.stop();
    await vault?.close();
    await fixture.cleanup();
  });

  it('should keep every secret out of logs, errors and health details through start, rotation and outages', async () => {
    vault = await VaultDouble.start({
      kubernetes: { role: 'spam-classifier', jwt: fixture.jwt },
      approle: { roleId: 'role-id-7', secretId: 'approle-secret-id-7f3e9a' },
      policyHcl: readFileSync(POLICY_FILE, 'utf8'),
      kv: {
        [SECRET_PATH]: {
          ADMIN_API_TOKEN: 'admin-token-a81c55d2',
          DATABASE_URL: 'postgres://static-user:static-db-pass-19fd@db.internal:5432/spam',
          MLFLOW_TRACKING_TOKEN: 'mlflow-token-4be0c1',
        },
      },
      database: { role: 'spam-classifier', leaseDurationSeconds: 2, maxTtlSeconds: 3 },
    });
    await writeFile(join(fixture.agentDir, 'agent'), 'export AGENT_SECRET="agent-secret-55aa91"\n');
    const env: NodeJS.ProcessEnv = {
      VAULT_ADDR: vault.url,
      VAULT_KUBERNETES_ROLE: 'spam-classifier',
      VAULT_KUBERNETES_TOKEN_PATH: fixture.jwtPath,
      VAULT_AGENT_SECRETS_DIR: fixture.agentDir,
      VAULT_DB_ROLE: 'spam-classifier',
      VAULT_REFRESH_INTERVAL_MS: '1000',
      VAULT_STARTUP_TIMEOUT_MS: '1500',
      MLFLOW_TRACKING_PASSWORD: 'env-mlflow-password-c0ffee',
    };
    const secrets = new SecretsService(env);
    const stream = new Writable({
      write(chunk, _encoding, done) {
        captured.push(String(chunk));
        done();
      },
    });
    const log = pino({ level: 'debug', ...secretRedactionPinoOptions(secrets) }, stream);
    const logger: VaultLogger = {
      log: (message: unknown) => log.info(message),
      warn: (message: unknown) => log.warn(message),
      error: (message: unknown) => log.error(message),
    };

    // Start, rotate a KV secret and the database credentials, lose Vault and get it back.
    session = await loadSecretsBeforeBootstrap(env, { secrets, logger });
    const firstPassword = secrets.get(DATABASE_PASSWORD) as string;
    vault.putSecret(SECRET_PATH, {
      ADMIN_API_TOKEN: 'admin-token-b7720e19',
      DATABASE_URL: 'postgres://db.internal/spam',
    });
    await waitFor(() => secrets.get('ADMIN_API_TOKEN') === 'admin-token-b7720e19', 'the rotated admin token');
    await waitFor(() => secrets.get(DATABASE_PASSWORD) !== firstPassword, 'rotated database credentials');
    await vault.goDown();
    await waitFor(() => session!.health().status !== 'up', 'degraded health');
    const moduleRef = await Test.createTestingModule({ imports: [VaultModule.forRoot(session)] }).compile();
    captured.push(JSON.stringify(moduleRef.get(VaultHealthIndicator).isHealthy()));
    await vault.comeBack();
    await waitFor(() => session!.health().status === 'up', 'health up again');
    captured.push(JSON.stringify(session!.health()));

    // Failed starts: the errors themselves, however they are printed.
    const failures = await Promise.all([
      loadSecretsBeforeBootstrap(
        {
          ...env,
          VAULT_AUTH_METHOD: 'approle',
          VAULT_APPROLE_ROLE_ID: 'role-id-7',
          VAULT_APPROLE_SECRET_ID: 'wrong-secret-id-1234',
        },
        { secrets, logger },
      ).catch((e: unknown) => e),
      loadSecretsBeforeBootstrap(
        { ...env, VAULT_AUTH_METHOD: 'token', VAULT_TOKEN: 'hvs.not-a-valid-token-9876' },
        { secrets, logger },
      ).catch((e: unknown) => e),
      loadSecretsBeforeBootstrap({
        ...env,
        VAULT_AUTH_METHOD: 'token',
        VAULT_TOKEN: 'hvs.x',
        VAULT_ADDR: 'nope',
      }).catch((e: unknown) => e),
    ]);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(Error);
      captured.push(
        String(failure),
        inspect(failure, { depth: 10 }),
        JSON.stringify(failure),
        (failure as Error).stack ?? '',
      );
    }

    // What other code might log: a request with credentials, a driver error quoting the URL, a config object.
    const admin = secrets.get('ADMIN_API_TOKEN') as string;
    const dbPassword = secrets.get(DATABASE_PASSWORD) as string;
    log.info({ req: { headers: { authorization: `Bearer ${admin}`, 'x-vault-token': 'hvs.header' } } }, 'request');
    log.error(
      new Error(`connect failed for postgres://${secrets.get(DATABASE_USERNAME)}:${dbPassword}@db.internal/spam`),
    );
    log.warn(`admin token was ${admin}, agent ${secrets.get('AGENT_SECRET')}, mlflow ${env.MLFLOW_TRACKING_PASSWORD}`);
    log.info(
      { config: { database: { password: dbPassword }, admin }, password: 'by-name-1', token: 'by-name-2' },
      'cfg',
    );
    await moduleRef.close();

    const output = captured.join('\n');
    const leaks = [
      ...vault.secretValues(),
      fixture.jwt,
      'approle-secret-id-7f3e9a',
      'wrong-secret-id-1234',
      'hvs.not-a-valid-token-9876',
      'agent-secret-55aa91',
      'env-mlflow-password-c0ffee',
      'static-db-pass-19fd',
      'by-name-1',
      'by-name-2',
      'hvs.header',
    ].filter((secret) => output.includes(secret));
    expect(leaks).toEqual([]);
    // Not vacuous: the logs said what happened and masked what was logged on purpose.
    expect(output).toContain('database credentials rotated');
    expect(output).toContain('Vault is available again');
    expect(output).toContain('"status":"degraded"');
    expect(output).toContain('Vault approle login failed: HTTP 400 (invalid role or secret ID)');
    expect(output).toContain('Vault token lookup-self failed: HTTP 403 (permission denied)');
    expect(output).toContain('admin token was [REDACTED], agent [REDACTED], mlflow [REDACTED]');
    expect(output).toMatch(
      /connect failed for postgres:\/\/v-kubernetes-spam-cla-[0-9a-f]+:\[REDACTED\]@db\.internal\/spam/,
    );
    expect(vault.secretValues().length).toBeGreaterThan(8);
    expect(SECRET_REDACTION_PATHS).toContain('req.headers.authorization');
  });
});

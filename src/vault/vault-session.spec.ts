import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentVaultSession, loadSecretsBeforeBootstrap } from './load-secrets';
import { VaultSession, VaultStartupError } from './vault-session';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe(VaultSession.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vault-session-'));
  });

  afterEach(async () => {
    currentVaultSession()?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('should do nothing without VAULT_ADDR and without an Agent folder', async () => {
    await expect(loadSecretsBeforeBootstrap({ VAULT_AGENT_SECRETS_DIR: join(dir, 'absent') })).resolves.toBeUndefined();
  });

  it('should serve Agent files alone and pick up the files the Agent re-renders', async () => {
    await writeFile(join(dir, 'config'), 'ADMIN_API_TOKEN=agent-token-1\n');
    const env = { VAULT_AGENT_SECRETS_DIR: dir, VAULT_REFRESH_INTERVAL_MS: '1000', ADMIN_API_TOKEN: 'env-token' };
    const session = (await loadSecretsBeforeBootstrap(env, { logger: quiet })) as VaultSession;
    expect(session.usesVault).toBe(false);
    expect(session.secrets.get('ADMIN_API_TOKEN')).toBe('agent-token-1');
    expect(session.health()).toMatchObject({ status: 'up', vault: 'disabled', agentFiles: 1 });

    await writeFile(join(dir, 'config'), 'OTHER=1\n');
    const deadline = Date.now() + 10_000;
    while (session.secrets.get('ADMIN_API_TOKEN') !== 'env-token' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The key left the Agent file, so the environment value shows through again.
    expect(session.secrets.get('ADMIN_API_TOKEN')).toBe('env-token');
    expect(session.secrets.get('OTHER')).toBe('1');
  });

  it('should fail start-up on a malformed Agent file', async () => {
    await writeFile(join(dir, 'config'), 'garbage\n');
    const error = await loadSecretsBeforeBootstrap({ VAULT_AGENT_SECRETS_DIR: dir }, { logger: quiet }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VaultStartupError);
    expect((error as Error).message).toBe(
      `Vault Agent folder ${dir} is configured but loading the secrets failed: ${join(dir, 'config')}:1: ` +
        'expected KEY=value or export KEY="value". Not starting without its secrets.',
    );
  });
});

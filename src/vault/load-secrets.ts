import { existsSync } from 'node:fs';
import { readVaultSettings, type VaultSettings } from './config/vault.config';
import { processSecrets, secretsOf, type SecretsService } from '../config/secrets.service';
import { VaultSession, type VaultLogger } from './vault-session';

export { processSecrets } from '../config/secrets.service';

let currentSession: VaultSession | undefined;

/** The session loadSecretsBeforeBootstrap started, if any. */
export function currentVaultSession(): VaultSession | undefined {
  return currentSession;
}

export interface LoadSecretsOptions {
  /** The VAULT_* settings already validated with the rest of the environment (main.ts); default: read from `env`. */
  settings?: VaultSettings;
  /** Default: the process-wide instance for process.env, a new one for any other env object. */
  secrets?: SecretsService;
  logger?: VaultLogger;
  /** Start renewals and refreshes right away (default true); VaultModule stops them at shutdown. */
  background?: boolean;
}

/**
 * Call first in main.ts, before NestFactory.create: takes the validated VAULT_* settings, then (when VAULT_ADDR is
 * set) logs in and loads the KV secret and dynamic database credentials, and reads the Vault Agent files, into
 * SecretsService, so every module built afterwards sees them. Returns undefined when neither Vault nor an Agent
 * folder is configured (secrets then come from the environment `env`). Rejects with InvalidEnvironmentError (bad
 * VAULT_* variables, when no `settings` are given) or VaultStartupError (Vault unusable within VAULT_STARTUP_TIMEOUT_MS); either message is the one
 * line to print before exiting with a non-zero code.
 */
export async function loadSecretsBeforeBootstrap(
  env: NodeJS.ProcessEnv,
  options: LoadSecretsOptions = {},
): Promise<VaultSession | undefined> {
  const settings = options.settings ?? readVaultSettings(env);
  if (settings.address === undefined && !existsSync(settings.agentSecretsDir)) return undefined;
  const secrets = options.secrets ?? secretsOf(env);
  const session = new VaultSession(settings, { secrets, logger: options.logger });
  await session.load();
  // A failed load above leaves a running session alone; a successful one replaces it.
  currentSession?.stop();
  if (options.background ?? true) session.startBackground();
  currentSession = session;
  return session;
}

/**
 * The given configuration (e.g. what @nestjs/config validates) with the loaded secrets laid over it, so a
 * validator that requires DATABASE_URL or ADMIN_API_TOKEN accepts values that came from Vault or Agent files.
 * A validator's error message must not print these values: mask names matching SECRET_NAME_PATTERN (as readEnvironment
 * does).
 */
export function withLoadedSecrets(
  config: Record<string, unknown>,
  secrets: SecretsService = currentSession?.secrets ?? processSecrets(),
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...config };
  for (const name of secrets.overriddenNames()) merged[name] = secrets.get(name);
  return merged;
}

import { accessSync, constants, statSync } from 'node:fs';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateIf } from 'class-validator';
import { defineModuleConfig } from '../../config/module-config';
import type { EnvironmentProblem } from '../../config/read-environment';

export const VAULT_AUTH_METHODS = ['kubernetes', 'token', 'approle'] as const;
export type VaultAuthMethod = (typeof VAULT_AUTH_METHODS)[number];

export const DEFAULT_KUBERNETES_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
export const DEFAULT_AGENT_SECRETS_DIR = '/vault/secrets';

/**
 * The sign-in method when VAULT_AUTH_METHOD is not set, the way the Vault CLI and node-vault users expect it: the
 * Kubernetes method when its role is given, else the token in VAULT_TOKEN, else AppRole when its role id is given.
 * Undefined when nothing says how to sign in (reported as one problem naming what to set).
 */
export function effectiveAuthMethod(e: {
  VAULT_AUTH_METHOD?: VaultAuthMethod;
  VAULT_KUBERNETES_ROLE?: string;
  VAULT_TOKEN?: string;
  VAULT_APPROLE_ROLE_ID?: string;
}): VaultAuthMethod | undefined {
  if (e.VAULT_AUTH_METHOD) return e.VAULT_AUTH_METHOD;
  if (e.VAULT_KUBERNETES_ROLE !== undefined) return 'kubernetes';
  if (e.VAULT_TOKEN !== undefined) return 'token';
  if (e.VAULT_APPROLE_ROLE_ID !== undefined) return 'approle';
  return undefined;
}

const VAULT_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const VAULT_PATH_MESSAGE = 'must be a Vault path like "spam-classifier/config" (no leading or trailing slash)';

/** Environment of the Vault integration. Every property is optional: without VAULT_ADDR the service reads
 * only Vault Agent files and the environment. Secrets themselves never go here. */
export class VaultEnvironment {
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  VAULT_ADDR?: string;

  @IsOptional()
  @IsIn(VAULT_AUTH_METHODS)
  VAULT_AUTH_METHOD?: VaultAuthMethod;

  /** Token auth: the token itself (Vault's own variable name). */
  @ValidateIf((env: VaultEnvironment) => env.VAULT_ADDR !== undefined && effectiveAuthMethod(env) === 'token')
  @IsString()
  @Matches(/\S/, { message: 'VAULT_TOKEN must not be empty for token auth' })
  VAULT_TOKEN?: string;

  /** Kubernetes auth: the Vault role bound to the pod's service account. */
  @ValidateIf(
    (env: VaultEnvironment) =>
      env.VAULT_KUBERNETES_ROLE !== undefined ||
      (env.VAULT_ADDR !== undefined && env.VAULT_AUTH_METHOD === 'kubernetes'),
  )
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'VAULT_KUBERNETES_ROLE must name a Vault role (letters, digits, _ . -)' })
  VAULT_KUBERNETES_ROLE?: string;

  @IsOptional()
  @IsString()
  VAULT_KUBERNETES_TOKEN_PATH?: string;

  @IsOptional()
  @Matches(VAULT_PATH, { message: `VAULT_KUBERNETES_MOUNT ${VAULT_PATH_MESSAGE}` })
  VAULT_KUBERNETES_MOUNT?: string;

  @ValidateIf((env: VaultEnvironment) => env.VAULT_ADDR !== undefined && effectiveAuthMethod(env) === 'approle')
  @IsString()
  @Matches(/\S/, { message: 'VAULT_APPROLE_ROLE_ID must not be empty when VAULT_AUTH_METHOD=approle' })
  VAULT_APPROLE_ROLE_ID?: string;

  /** AppRole secret id, or VAULT_APPROLE_SECRET_ID_FILE naming a file that holds it. */
  @IsOptional()
  @IsString()
  VAULT_APPROLE_SECRET_ID?: string;

  @IsOptional()
  @IsString()
  VAULT_APPROLE_SECRET_ID_FILE?: string;

  @IsOptional()
  @Matches(VAULT_PATH, { message: `VAULT_APPROLE_MOUNT ${VAULT_PATH_MESSAGE}` })
  VAULT_APPROLE_MOUNT?: string;

  @IsOptional()
  @IsString()
  VAULT_NAMESPACE?: string;

  /** PEM file of the CA that signed Vault's TLS certificate (Vault's own variable name). */
  @IsOptional()
  @IsString()
  VAULT_CACERT?: string;

  @IsOptional()
  @Matches(VAULT_PATH, { message: `VAULT_KV_MOUNT ${VAULT_PATH_MESSAGE}` })
  VAULT_KV_MOUNT?: string;

  @IsOptional()
  @Matches(VAULT_PATH, { message: `VAULT_SECRET_PATH ${VAULT_PATH_MESSAGE}` })
  VAULT_SECRET_PATH?: string;

  /** Role of the database secrets engine; unset = no dynamic database credentials. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'VAULT_DB_ROLE must name a database role (letters, digits, _ . -)' })
  VAULT_DB_ROLE?: string;

  @IsOptional()
  @Matches(VAULT_PATH, { message: `VAULT_DB_MOUNT ${VAULT_PATH_MESSAGE}` })
  VAULT_DB_MOUNT?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  VAULT_REFRESH_INTERVAL_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  VAULT_STARTUP_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  VAULT_REQUEST_TIMEOUT_MS?: number;

  @IsOptional()
  @IsString()
  VAULT_AGENT_SECRETS_DIR?: string;
}

export interface VaultSettings {
  /** Undefined: Vault itself is not used (Agent files and environment only). */
  address?: string;
  authMethod: VaultAuthMethod;
  token?: string;
  kubernetesRole?: string;
  kubernetesTokenPath: string;
  kubernetesMount: string;
  approleRoleId?: string;
  approleSecretId?: string;
  approleSecretIdFile?: string;
  approleMount: string;
  namespace?: string;
  caCertPath?: string;
  kvMount: string;
  secretPath: string;
  dbRole?: string;
  dbMount: string;
  refreshIntervalMs: number;
  startupTimeoutMs: number;
  requestTimeoutMs: number;
  agentSecretsDir: string;
}

export const VAULT_DEFAULTS = {
  authMethod: 'kubernetes',
  kubernetesMount: 'kubernetes',
  approleMount: 'approle',
  kvMount: 'secret',
  secretPath: 'spam-classifier/config',
  dbMount: 'database',
  refreshIntervalMs: 60_000,
  startupTimeoutMs: 30_000,
  requestTimeoutMs: 5_000,
} as const;

/** Rules across keys, and the CA file that must be readable; reported with the other problems. */
function vaultProblems(e: VaultEnvironment): EnvironmentProblem[] {
  const problems: EnvironmentProblem[] = [];
  if (e.VAULT_ADDR !== undefined && effectiveAuthMethod(e) === undefined) {
    problems.push({
      key: 'VAULT_AUTH_METHOD',
      reason:
        'VAULT_ADDR is set but nothing says how to sign in to Vault: set VAULT_TOKEN (token auth), ' +
        'VAULT_KUBERNETES_ROLE (Kubernetes auth) or VAULT_APPROLE_ROLE_ID with VAULT_APPROLE_SECRET_ID (AppRole)',
    });
  }
  if (e.VAULT_ADDR !== undefined && effectiveAuthMethod(e) === 'approle') {
    if (e.VAULT_APPROLE_SECRET_ID === undefined && e.VAULT_APPROLE_SECRET_ID_FILE === undefined) {
      problems.push({
        key: 'VAULT_APPROLE_SECRET_ID',
        reason: 'set VAULT_APPROLE_SECRET_ID or VAULT_APPROLE_SECRET_ID_FILE for AppRole',
      });
    }
  }
  if (typeof e.VAULT_CACERT === 'string' && !isReadableFile(e.VAULT_CACERT)) {
    problems.push({ key: 'VAULT_CACERT', reason: 'no readable file there (a PEM CA certificate is expected)' });
  }
  return problems;
}

/**
 * The Vault adapter's settings, validated with every other module's environment at start (one error listing each
 * bad KEY=value, secrets masked). Nest's ConfigService ('vault.*') gets them without the token and secret id.
 */
export const vaultConfig = defineModuleConfig({
  namespace: 'vault',
  environment: VaultEnvironment,
  check: vaultProblems,
  toConfig: (e): VaultSettings => ({
    address: e.VAULT_ADDR?.replace(/\/+$/, ''),
    authMethod: effectiveAuthMethod(e) ?? VAULT_DEFAULTS.authMethod,
    token: e.VAULT_TOKEN,
    kubernetesRole: e.VAULT_KUBERNETES_ROLE,
    kubernetesTokenPath: e.VAULT_KUBERNETES_TOKEN_PATH ?? DEFAULT_KUBERNETES_TOKEN_PATH,
    kubernetesMount: e.VAULT_KUBERNETES_MOUNT ?? VAULT_DEFAULTS.kubernetesMount,
    approleRoleId: e.VAULT_APPROLE_ROLE_ID,
    approleSecretId: e.VAULT_APPROLE_SECRET_ID,
    approleSecretIdFile: e.VAULT_APPROLE_SECRET_ID_FILE,
    approleMount: e.VAULT_APPROLE_MOUNT ?? VAULT_DEFAULTS.approleMount,
    namespace: e.VAULT_NAMESPACE,
    caCertPath: e.VAULT_CACERT,
    kvMount: e.VAULT_KV_MOUNT ?? VAULT_DEFAULTS.kvMount,
    secretPath: e.VAULT_SECRET_PATH ?? VAULT_DEFAULTS.secretPath,
    dbRole: e.VAULT_DB_ROLE,
    dbMount: e.VAULT_DB_MOUNT ?? VAULT_DEFAULTS.dbMount,
    refreshIntervalMs: e.VAULT_REFRESH_INTERVAL_MS ?? VAULT_DEFAULTS.refreshIntervalMs,
    startupTimeoutMs: e.VAULT_STARTUP_TIMEOUT_MS ?? VAULT_DEFAULTS.startupTimeoutMs,
    requestTimeoutMs: e.VAULT_REQUEST_TIMEOUT_MS ?? VAULT_DEFAULTS.requestTimeoutMs,
    agentSecretsDir: e.VAULT_AGENT_SECRETS_DIR ?? DEFAULT_AGENT_SECRETS_DIR,
  }),
  published: ({ token: _token, approleSecretId: _secretId, ...visible }) => visible,
});

/** The VAULT_* variables validated alone (command-line entries, tests); throws InvalidEnvironmentError. */
export function readVaultSettings(env: Record<string, unknown>): VaultSettings {
  return vaultConfig.from(env);
}

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

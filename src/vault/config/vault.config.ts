import { accessSync, constants, statSync } from 'node:fs';
import { registerAs } from '@nestjs/config';
import { Transform, plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateIf, validateSync } from 'class-validator';

export const VAULT_AUTH_METHODS = ['kubernetes', 'token', 'approle'] as const;
export type VaultAuthMethod = (typeof VAULT_AUTH_METHODS)[number];

export const DEFAULT_KUBERNETES_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
export const DEFAULT_AGENT_SECRETS_DIR = '/vault/secrets';

/** Digits become a number; anything else stays as written so the error shows what was set. */
const toNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
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
  @ValidateIf((env: VaultEnvironment) => env.VAULT_ADDR !== undefined && env.VAULT_AUTH_METHOD === 'token')
  @IsString()
  @Matches(/\S/, { message: 'VAULT_TOKEN must not be empty when VAULT_AUTH_METHOD=token' })
  VAULT_TOKEN?: string;

  /** Kubernetes auth: the Vault role bound to the pod's service account. */
  @ValidateIf(
    (env: VaultEnvironment) => env.VAULT_ADDR !== undefined && (env.VAULT_AUTH_METHOD ?? 'kubernetes') === 'kubernetes',
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

  @ValidateIf((env: VaultEnvironment) => env.VAULT_ADDR !== undefined && env.VAULT_AUTH_METHOD === 'approle')
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
  @Transform(toNumber)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  VAULT_REFRESH_INTERVAL_MS?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(600_000)
  VAULT_STARTUP_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toNumber)
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

export class VaultConfigError extends Error {
  override readonly name = 'VaultConfigError';
}

const SECRET_KEYS = new Set(['VAULT_TOKEN', 'VAULT_APPROLE_SECRET_ID']);

/** Validates the VAULT_* variables; throws one VaultConfigError listing every bad KEY=value (secret values masked). */
export function readVaultSettings(env: NodeJS.ProcessEnv = process.env): VaultSettings {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(new VaultEnvironmentKeys())) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim();
  }
  const parsed = plainToInstance(VaultEnvironment, raw);
  const errors = validateSync(parsed, { whitelist: false });
  const problems = errors.map((error) => {
    const shown = SECRET_KEYS.has(error.property) ? '<hidden>' : String(error.value ?? '');
    return `${error.property}=${shown}: ${Object.values(error.constraints ?? {}).join('; ')}`;
  });
  if (parsed.VAULT_ADDR !== undefined && parsed.VAULT_AUTH_METHOD === 'approle') {
    if (parsed.VAULT_APPROLE_SECRET_ID === undefined && parsed.VAULT_APPROLE_SECRET_ID_FILE === undefined) {
      problems.push(
        'VAULT_APPROLE_SECRET_ID=: set VAULT_APPROLE_SECRET_ID or VAULT_APPROLE_SECRET_ID_FILE for AppRole',
      );
    }
  }
  if (parsed.VAULT_CACERT !== undefined && !isReadableFile(parsed.VAULT_CACERT)) {
    problems.push(`VAULT_CACERT=${parsed.VAULT_CACERT}: no readable file there (a PEM CA certificate is expected)`);
  }
  if (problems.length > 0) {
    throw new VaultConfigError(`Invalid Vault configuration:\n  ${problems.join('\n  ')}`);
  }
  return {
    address: parsed.VAULT_ADDR?.replace(/\/+$/, ''),
    authMethod: parsed.VAULT_AUTH_METHOD ?? VAULT_DEFAULTS.authMethod,
    token: parsed.VAULT_TOKEN,
    kubernetesRole: parsed.VAULT_KUBERNETES_ROLE,
    kubernetesTokenPath: parsed.VAULT_KUBERNETES_TOKEN_PATH ?? DEFAULT_KUBERNETES_TOKEN_PATH,
    kubernetesMount: parsed.VAULT_KUBERNETES_MOUNT ?? VAULT_DEFAULTS.kubernetesMount,
    approleRoleId: parsed.VAULT_APPROLE_ROLE_ID,
    approleSecretId: parsed.VAULT_APPROLE_SECRET_ID,
    approleSecretIdFile: parsed.VAULT_APPROLE_SECRET_ID_FILE,
    approleMount: parsed.VAULT_APPROLE_MOUNT ?? VAULT_DEFAULTS.approleMount,
    namespace: parsed.VAULT_NAMESPACE,
    caCertPath: parsed.VAULT_CACERT,
    kvMount: parsed.VAULT_KV_MOUNT ?? VAULT_DEFAULTS.kvMount,
    secretPath: parsed.VAULT_SECRET_PATH ?? VAULT_DEFAULTS.secretPath,
    dbRole: parsed.VAULT_DB_ROLE,
    dbMount: parsed.VAULT_DB_MOUNT ?? VAULT_DEFAULTS.dbMount,
    refreshIntervalMs: parsed.VAULT_REFRESH_INTERVAL_MS ?? VAULT_DEFAULTS.refreshIntervalMs,
    startupTimeoutMs: parsed.VAULT_STARTUP_TIMEOUT_MS ?? VAULT_DEFAULTS.startupTimeoutMs,
    requestTimeoutMs: parsed.VAULT_REQUEST_TIMEOUT_MS ?? VAULT_DEFAULTS.requestTimeoutMs,
    agentSecretsDir: parsed.VAULT_AGENT_SECRETS_DIR ?? DEFAULT_AGENT_SECRETS_DIR,
  };
}

/** Every key of VaultEnvironment, so readVaultSettings copies exactly these from the environment. */
class VaultEnvironmentKeys implements Required<Record<keyof VaultEnvironment, undefined>> {
  VAULT_ADDR = undefined;
  VAULT_AUTH_METHOD = undefined;
  VAULT_TOKEN = undefined;
  VAULT_KUBERNETES_ROLE = undefined;
  VAULT_KUBERNETES_TOKEN_PATH = undefined;
  VAULT_KUBERNETES_MOUNT = undefined;
  VAULT_APPROLE_ROLE_ID = undefined;
  VAULT_APPROLE_SECRET_ID = undefined;
  VAULT_APPROLE_SECRET_ID_FILE = undefined;
  VAULT_APPROLE_MOUNT = undefined;
  VAULT_NAMESPACE = undefined;
  VAULT_CACERT = undefined;
  VAULT_KV_MOUNT = undefined;
  VAULT_SECRET_PATH = undefined;
  VAULT_DB_ROLE = undefined;
  VAULT_DB_MOUNT = undefined;
  VAULT_REFRESH_INTERVAL_MS = undefined;
  VAULT_STARTUP_TIMEOUT_MS = undefined;
  VAULT_REQUEST_TIMEOUT_MS = undefined;
  VAULT_AGENT_SECRETS_DIR = undefined;
}

/** Non-secret settings for ConfigService ('vault.*'); the token and secret id stay out of it. */
export const vaultConfig = registerAs('vault', () => {
  const { token: _token, approleSecretId: _secretId, ...visible } = readVaultSettings(process.env);
  return visible;
});

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

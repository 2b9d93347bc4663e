import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type nodeVault from 'node-vault';
import type { VaultSettings } from './config/vault.config';

/** What Vault answered about a token (login, renew-self or lookup-self), in seconds as Vault counts. */
export interface TokenLease {
  ttlSeconds: number;
  renewable: boolean;
}

export interface KvSecret {
  data: Record<string, string>;
  version: number;
}

export interface DatabaseCredentials {
  username: string;
  password: string;
  leaseId: string;
  leaseDurationSeconds: number;
  renewable: boolean;
}

export interface LeaseRenewal {
  leaseId: string;
  leaseDurationSeconds: number;
  renewable: boolean;
}

/**
 * A failed call to Vault, with a message safe to log: the operation, the HTTP status and Vault's own error
 * strings, or the network error code. The raw client error (whose request config holds the token, the JWT
 * or the AppRole secret id) is never kept as a cause.
 */
export class VaultRequestError extends Error {
  override readonly name = 'VaultRequestError';

  /** Worth retrying: Vault unreachable, sealed, on standby, overloaded or timing out. */
  readonly transient: boolean;

  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    readonly detail: string,
    transient?: boolean,
  ) {
    super(
      `Vault ${operation} failed: ${status === undefined ? detail : `HTTP ${status}${detail ? ` (${detail})` : ''}`}`,
    );
    this.transient = transient ?? (status === undefined || status >= 500 || status === 429 || status === 412);
  }

  /** The token is no longer accepted (expired, revoked). */
  get forbidden(): boolean {
    return this.status === 403;
  }
}

/**
 * The Vault calls the application makes, through node-vault. Paths follow Vault's HTTP API: KV v2 reads
 * `<mount>/data/<path>`, database credentials `<mount>/creds/<role>`, and leases are renewed with the lease id
 * in the URL (`sys/leases/renew/<lease_id>`) so the policy can limit renewal to the application's own leases.
 */
export class VaultApi {
  private readonly client: nodeVault.client;

  constructor(private readonly settings: VaultSettings) {
    if (settings.address === undefined) throw new Error('VaultApi needs VAULT_ADDR');
    // node-vault (and its HTTP client) is loaded only when VAULT_ADDR is set.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
    const createClient = require('node-vault') as typeof nodeVault;
    this.client = createClient({
      endpoint: settings.address,
      namespace: settings.namespace,
      token: settings.authMethod === 'token' ? settings.token : undefined,
      requestOptions: {
        timeout: settings.requestTimeoutMs,
        ...(settings.caCertPath === undefined ? {} : { ca: readFileSync(settings.caCertPath) }),
      },
      // node-vault's debug output prints request bodies (JWT, secret id) when DEBUG=node-vault is set.
      debug: () => undefined,
    });
    // node-vault falls back to process.env.VAULT_TOKEN; a login method must not send a stray token.
    if (settings.authMethod !== 'token') this.client.token = '';
  }

  get address(): string {
    return this.settings.address as string;
  }

  /** True when the method can get a fresh token by itself (Kubernetes, AppRole); a given token cannot. */
  get canLogin(): boolean {
    return this.settings.authMethod !== 'token';
  }

  /** Logs in with the configured method (token auth: looks the token up) and returns its lease. */
  async login(): Promise<TokenLease> {
    const { authMethod } = this.settings;
    if (authMethod === 'token') return this.lookupSelf();
    if (authMethod === 'kubernetes') {
      const jwt = await readCredentialFile(this.settings.kubernetesTokenPath, 'Kubernetes service-account token');
      const response = await this.call('kubernetes login', () =>
        this.client.kubernetesLogin({
          role: this.settings.kubernetesRole,
          jwt,
          mount_point: this.settings.kubernetesMount,
        }),
      );
      return authLease(response, 'kubernetes login');
    }
    const secretId =
      this.settings.approleSecretId ??
      (await readCredentialFile(this.settings.approleSecretIdFile as string, 'AppRole secret id'));
    const response = await this.call('approle login', () =>
      this.client.approleLogin({
        role_id: this.settings.approleRoleId,
        secret_id: secretId,
        mount_point: this.settings.approleMount,
      }),
    );
    return authLease(response, 'approle login');
  }

  async lookupSelf(): Promise<TokenLease> {
    const response = await this.call('token lookup-self', () => this.client.tokenLookupSelf());
    const data = objectField(response, 'data', 'token lookup-self');
    return { ttlSeconds: numberField(data, 'ttl', 'token lookup-self'), renewable: data.renewable === true };
  }

  async renewSelf(incrementSeconds?: number): Promise<TokenLease> {
    const args = incrementSeconds === undefined ? {} : { increment: `${incrementSeconds}s` };
    const response = await this.call('token renew-self', () => this.client.tokenRenewSelf(args));
    return authLease(response, 'token renew-self');
  }

  async readKv(): Promise<KvSecret> {
    const path = `${this.settings.kvMount}/data/${this.settings.secretPath}`;
    const operation = `KV read ${path}`;
    const response = await this.call(operation, () => this.client.read(path));
    const outer = objectField(response, 'data', operation);
    const inner = objectField(outer, 'data', operation);
    const metadata = objectField(outer, 'metadata', operation);
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(inner)) {
      if (typeof value === 'string') data[key] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') data[key] = String(value);
      else
        throw new VaultRequestError(operation, undefined, `value of ${key} is not a string, number or boolean`, false);
    }
    return { data, version: numberField(metadata, 'version', operation) };
  }

  async readDatabaseCredentials(): Promise<DatabaseCredentials> {
    const path = `${this.settings.dbMount}/creds/${this.settings.dbRole as string}`;
    const operation = `read ${path}`;
    const response = await this.call(operation, () => this.client.read(path));
    const data = objectField(response, 'data', operation);
    if (typeof data.username !== 'string' || typeof data.password !== 'string') {
      throw new VaultRequestError(operation, undefined, 'response has no data.username/data.password', false);
    }
    return {
      username: data.username,
      password: data.password,
      leaseId: stringField(response, 'lease_id', operation),
      leaseDurationSeconds: numberField(response, 'lease_duration', operation),
      renewable: response.renewable === true,
    };
  }

  async renewLease(leaseId: string, incrementSeconds: number): Promise<LeaseRenewal> {
    const operation = 'lease renew';
    const response = await this.call(operation, () =>
      this.client.write(`sys/leases/renew/${leaseId}`, { increment: incrementSeconds }),
    );
    return {
      leaseId: stringField(response, 'lease_id', operation),
      leaseDurationSeconds: numberField(response, 'lease_duration', operation),
      renewable: response.renewable === true,
    };
  }

  private async call(operation: string, request: () => Promise<unknown>): Promise<Record<string, unknown>> {
    let response: unknown;
    try {
      response = await request();
    } catch (error) {
      throw toVaultRequestError(operation, error);
    }
    if (response === null || typeof response !== 'object') {
      throw new VaultRequestError(operation, undefined, 'response is not a JSON object', false);
    }
    return response as Record<string, unknown>;
  }
}

function toVaultRequestError(operation: string, error: unknown): VaultRequestError {
  const failure = error as {
    response?: { statusCode?: number; body?: { errors?: unknown } };
    code?: string;
    message?: string;
  };
  const status = failure?.response?.statusCode;
  if (typeof status === 'number') {
    const errors = failure.response?.body?.errors;
    const detail = Array.isArray(errors) ? errors.filter((e) => typeof e === 'string').join('; ') : '';
    return new VaultRequestError(operation, status, detail.replace(/\s+/g, ' ').trim());
  }
  if (typeof failure?.code === 'string') {
    // A certificate Vault's CA does not vouch for will not fix itself: fail at once and say what to set.
    if (/CERT|SSL|TLS|SELF_SIGNED/.test(failure.code)) {
      return new VaultRequestError(
        operation,
        undefined,
        `TLS certificate not trusted (${failure.code}); set VAULT_CACERT`,
        false,
      );
    }
    const reason = failure.code === 'ECONNABORTED' ? 'request timed out' : 'Vault unreachable';
    return new VaultRequestError(operation, undefined, `${reason} (${failure.code})`);
  }
  return new VaultRequestError(operation, undefined, 'unexpected client error', false);
}

async function readCredentialFile(path: string, what: string): Promise<string> {
  try {
    const value = (await readFile(path, 'utf8')).trim();
    if (value === '') throw new VaultRequestError('login', undefined, `${what} file ${path} is empty`, false);
    return value;
  } catch (error) {
    if (error instanceof VaultRequestError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new VaultRequestError('login', undefined, `cannot read ${what} file ${path} (${code})`, false);
  }
}

function authLease(response: Record<string, unknown>, operation: string): TokenLease {
  const auth = objectField(response, 'auth', operation);
  if (typeof auth.client_token !== 'string' || auth.client_token === '') {
    throw new VaultRequestError(operation, undefined, 'response has no auth.client_token', false);
  }
  return { ttlSeconds: numberField(auth, 'lease_duration', operation), renewable: auth.renewable === true };
}

function objectField(value: Record<string, unknown>, key: string, operation: string): Record<string, unknown> {
  const field = value[key];
  if (field === null || typeof field !== 'object' || Array.isArray(field)) {
    throw new VaultRequestError(operation, undefined, `response has no object "${key}"`, false);
  }
  return field as Record<string, unknown>;
}

function numberField(value: Record<string, unknown>, key: string, operation: string): number {
  const field = value[key];
  if (typeof field !== 'number' || !Number.isFinite(field)) {
    throw new VaultRequestError(operation, undefined, `response has no number "${key}"`, false);
  }
  return field;
}

function stringField(value: Record<string, unknown>, key: string, operation: string): string {
  const field = value[key];
  if (typeof field !== 'string' || field === '') {
    throw new VaultRequestError(operation, undefined, `response has no string "${key}"`, false);
  }
  return field;
}

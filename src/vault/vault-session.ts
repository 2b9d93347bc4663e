import { Logger } from '@nestjs/common';
import { ExponentialBackoff, TaskCancelledError, TimeoutStrategy, handleWhen, retry, timeout, wrap } from 'cockatiel';
import { readAgentSecrets } from './agent-secrets';
import type { VaultSettings } from './config/vault.config';
import { DATABASE_PASSWORD, DATABASE_USERNAME } from '../config/database-url';
import { SecretsService } from '../config/secrets.service';
import { VaultApi, VaultRequestError, type DatabaseCredentials, type TokenLease } from './vault-api';

/** The names under which rotated dynamic database credentials are published in SecretsService. */
export { DATABASE_PASSWORD, DATABASE_USERNAME };

/** Renew a token or lease once this share of its lifetime has passed (Vault Agent renews at about 2/3 too). */
const RENEW_AT_FRACTION = 2 / 3;
/** Backoff between background retries while Vault is unavailable. */
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;
const MAX_TIMER_MS = 2_147_483_647;

export type VaultLogger = Pick<Logger, 'log' | 'warn' | 'error'>;
export type VaultHealthStatus = 'up' | 'degraded' | 'down';

export interface VaultHealthDetails {
  status: VaultHealthStatus;
  /** disabled: VAULT_ADDR unset (Agent files and environment only). */
  vault: 'disabled' | 'connected' | 'unavailable';
  address?: string;
  authMethod?: string;
  secretPath?: string;
  kvVersion?: number;
  agentFiles: number;
  lastRefreshAt?: string;
  tokenExpiresAt?: string;
  databaseLeaseExpiresAt?: string;
  consecutiveFailures: number;
  /** The last failure, already free of secret values (Vault's error strings and status codes only). */
  lastError?: string;
  reason?: string;
}

export interface VaultSessionOptions {
  secrets?: SecretsService;
  logger?: VaultLogger;
}

/** Start-up could not load the secrets; the message is the one line to print before exiting. */
export class VaultStartupError extends Error {
  override readonly name = 'VaultStartupError';
}

interface DatabaseLease {
  leaseId: string;
  /** The duration Vault first granted, used as the renewal increment. */
  durationSeconds: number;
  renewable: boolean;
  expiresAt: number;
}

/**
 * Keeps the application's secrets loaded from Vault (KV v2, dynamic database credentials) and the Vault Agent
 * files, and keeps them fresh: renews the token before its TTL ends (or logs in again), re-reads the KV secret
 * and the Agent files every refresh interval, renews the database lease and, before it runs out, fetches new
 * credentials and publishes them. Every value lands in one SecretsService with the precedence
 * database credentials > Vault KV > Agent files > environment. When Vault is unavailable the last values stay
 * in place and the session reports itself degraded; it reports down only once the database lease has expired.
 */
export class VaultSession {
  readonly secrets: SecretsService;
  private readonly logger: VaultLogger;
  private readonly api?: VaultApi;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = false;
  private stopped = false;
  private loginInFlight?: Promise<void>;

  private kvValues: Record<string, string> = {};
  private kvVersion?: number;
  private agentValues: Record<string, string> = {};
  private databaseValues: Record<string, string> = {};
  private published = new Set<string>();
  private tokenExpiresAt?: number;
  private tokenRenewable = false;
  private tokenTtlSeconds = 0;
  private databaseLease?: DatabaseLease;
  private lastRefreshAt?: number;
  private failures = new Map<string, string>();
  private consecutiveFailures = 0;

  constructor(
    readonly settings: VaultSettings,
    options: VaultSessionOptions = {},
  ) {
    this.secrets = options.secrets ?? new SecretsService();
    this.logger = options.logger ?? new Logger('Vault');
    if (settings.address !== undefined) this.api = new VaultApi(settings);
  }

  get usesVault(): boolean {
    return this.api !== undefined;
  }

  /**
   * Loads everything once, retrying transient failures (Vault unreachable, sealed, 5xx) with exponential backoff
   * until VAULT_STARTUP_TIMEOUT_MS; a permanent failure (bad role, permission denied, missing secret) fails at once.
   * Rejects with a VaultStartupError whose message says what failed and that the service must not start.
   */
  async load(): Promise<void> {
    const bound = this.settings.startupTimeoutMs;
    const retryPolicy = retry(
      handleWhen((error) => error instanceof VaultRequestError && error.transient),
      {
        maxAttempts: Number.MAX_SAFE_INTEGER,
        backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: Math.max(200, Math.min(5_000, bound / 4)) }),
      },
    );
    let attempts = 0;
    let lastError: unknown;
    retryPolicy.onRetry((event) => {
      if ('error' in event) {
        this.logger.warn(
          this.safe(
            `start-up attempt ${attempts} failed, retrying in ${Math.round(event.delay)} ms: ${message(event.error)}`,
          ),
        );
      }
    });
    const policy = wrap(timeout(bound, TimeoutStrategy.Aggressive), retryPolicy);
    try {
      await policy.execute(async ({ signal }) => {
        if (signal.aborted) throw new TaskCancelledError();
        attempts += 1;
        try {
          await this.loadOnce();
        } catch (error) {
          lastError = error;
          throw error;
        }
      });
    } catch (error) {
      const where = this.api ? `Vault at ${this.api.address}` : `Vault Agent folder ${this.settings.agentSecretsDir}`;
      const text =
        error instanceof TaskCancelledError
          ? `${where} is configured but could not be used within VAULT_STARTUP_TIMEOUT_MS=${bound} ` +
            `(${attempts} attempt${attempts === 1 ? '' : 's'}); last error: ` +
            (lastError === undefined ? 'no answer within the bound' : message(lastError))
          : `${where} is configured but loading the secrets failed: ${message(error)}`;
      throw new VaultStartupError(this.safe(`${text}. Not starting without its secrets.`));
    }
    this.logger.log(
      this.safe(
        this.api
          ? `loaded ${Object.keys(this.kvValues).length} KV key(s) (version ${this.kvVersion}) from ${this.api.address}` +
              (this.databaseLease ? ' and dynamic database credentials' : '') +
              `, ${Object.keys(this.agentValues).length} key(s) from Agent files`
          : `loaded ${Object.keys(this.agentValues).length} key(s) from Vault Agent files in ${this.settings.agentSecretsDir}`,
      ),
    );
  }

  /** Starts the background renewals and refreshes (idempotent). Timers never keep the process alive. */
  startBackground(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.schedule('refresh', this.settings.refreshIntervalMs, () => this.refreshLoop());
    this.scheduleTokenRenewal();
    this.scheduleDatabaseRenewal();
  }

  stop(): void {
    this.stopped = true;
    this.running = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  health(now = Date.now()): VaultHealthDetails {
    const details: VaultHealthDetails = {
      status: 'up',
      vault: this.api ? (this.failures.size > 0 ? 'unavailable' : 'connected') : 'disabled',
      agentFiles: Object.keys(this.agentValues).length,
      consecutiveFailures: this.consecutiveFailures,
    };
    if (this.api) {
      details.address = this.api.address;
      details.authMethod = this.settings.authMethod;
      details.secretPath = `${this.settings.kvMount}/data/${this.settings.secretPath}`;
      details.kvVersion = this.kvVersion;
    }
    if (this.lastRefreshAt !== undefined) details.lastRefreshAt = new Date(this.lastRefreshAt).toISOString();
    if (this.tokenExpiresAt !== undefined) details.tokenExpiresAt = new Date(this.tokenExpiresAt).toISOString();
    if (this.databaseLease) details.databaseLeaseExpiresAt = new Date(this.databaseLease.expiresAt).toISOString();
    const lastError = [...this.failures.values()].at(-1);
    if (lastError !== undefined) details.lastError = lastError;
    if (this.databaseLease && this.databaseLease.expiresAt <= now) {
      details.status = 'down';
      details.reason = 'the database credentials lease has expired and Vault could not issue new ones';
    } else if (this.failures.size > 0) {
      details.status = 'degraded';
      details.reason = 'Vault is unavailable; serving the last loaded secrets';
    }
    return details;
  }

  // ---- loading -------------------------------------------------------------------------------------------

  private async loadOnce(): Promise<void> {
    const agent = await readAgentSecrets(this.settings.agentSecretsDir);
    if (this.api) {
      await this.login();
      const kv = await this.api.readKv();
      const database = this.settings.dbRole ? await this.api.readDatabaseCredentials() : undefined;
      this.kvValues = kv.data;
      this.kvVersion = kv.version;
      if (database) this.acceptDatabaseCredentials(database);
    }
    this.agentValues = agent;
    this.lastRefreshAt = Date.now();
    this.publish();
  }

  /** Puts the merged values into SecretsService; a name no source holds any more falls back to the environment. */
  private publish(): string[] {
    const merged: Record<string, string | undefined> = {
      ...this.agentValues,
      ...this.kvValues,
      ...this.databaseValues,
    };
    for (const name of this.published) if (!(name in merged)) merged[name] = undefined;
    this.published = new Set(Object.keys(merged).filter((name) => merged[name] !== undefined));
    return this.secrets.setMany(merged);
  }

  private acceptDatabaseCredentials(credentials: DatabaseCredentials): void {
    this.databaseLease = {
      leaseId: credentials.leaseId,
      durationSeconds: credentials.leaseDurationSeconds,
      renewable: credentials.renewable,
      expiresAt: Date.now() + credentials.leaseDurationSeconds * 1000,
    };
    this.databaseValues = { [DATABASE_USERNAME]: credentials.username, [DATABASE_PASSWORD]: credentials.password };
  }

  private async login(): Promise<void> {
    if (!this.api) return;
    this.loginInFlight ??= this.api
      .login()
      .then((lease) => this.acceptTokenLease(lease))
      .finally(() => {
        this.loginInFlight = undefined;
      });
    return this.loginInFlight;
  }

  private acceptTokenLease(lease: TokenLease): void {
    this.tokenTtlSeconds = lease.ttlSeconds;
    this.tokenRenewable = lease.renewable;
    // A TTL of 0 is a token that never expires (e.g. a root or periodic-less static token).
    this.tokenExpiresAt = lease.ttlSeconds > 0 ? Date.now() + lease.ttlSeconds * 1000 : undefined;
  }

  // ---- background work ------------------------------------------------------------------------------------

  private async refreshLoop(): Promise<void> {
    try {
      const agent = await readAgentSecrets(this.settings.agentSecretsDir);
      if (this.api) {
        const kv = await this.withFreshToken(() => (this.api as VaultApi).readKv());
        this.kvValues = kv.data;
        if (kv.version !== this.kvVersion) this.logger.log(`KV secret changed to version ${kv.version}`);
        this.kvVersion = kv.version;
      }
      this.agentValues = agent;
      this.lastRefreshAt = Date.now();
      const changed = this.publish();
      if (changed.length > 0) this.logger.log(`secrets changed: ${changed.join(', ')}`);
      this.succeeded('refresh');
      this.schedule('refresh', this.settings.refreshIntervalMs, () => this.refreshLoop());
    } catch (error) {
      this.failed('refresh', error, 'keeping the last loaded secrets');
      this.schedule('refresh', Math.min(this.settings.refreshIntervalMs, this.retryDelay()), () => this.refreshLoop());
    }
  }

  private scheduleTokenRenewal(): void {
    if (!this.api || this.tokenExpiresAt === undefined) return;
    const delay =
      this.tokenTtlSeconds * 1000 * RENEW_AT_FRACTION -
      (Date.now() - (this.tokenExpiresAt - this.tokenTtlSeconds * 1000));
    this.schedule('token', delay, () => this.tokenLoop());
  }

  private async tokenLoop(): Promise<void> {
    const api = this.api as VaultApi;
    try {
      const expired = this.tokenExpiresAt !== undefined && this.tokenExpiresAt <= Date.now();
      if (expired || !this.tokenRenewable) {
        if (!api.canLogin)
          throw new VaultRequestError(
            'token renewal',
            undefined,
            'the token cannot be renewed and VAULT_AUTH_METHOD=token cannot log in again',
            false,
          );
        await this.login();
      } else {
        try {
          const requested = this.tokenTtlSeconds;
          const lease = await api.renewSelf();
          this.acceptTokenLease(lease);
          // Near the token's max TTL Vault grants less than asked; a fresh login restores a full TTL.
          if (api.canLogin && (lease.ttlSeconds < requested || !lease.renewable)) await this.login();
        } catch (error) {
          if (!(error instanceof VaultRequestError) || error.transient || !api.canLogin) throw error;
          await this.login();
        }
      }
      this.succeeded('token');
      this.scheduleTokenRenewal();
    } catch (error) {
      this.failed('token', error, 'the last token stays in use until it expires');
      if (error instanceof VaultRequestError && !error.transient && !api.canLogin) return;
      this.schedule('token', this.retryDelay(this.tokenExpiresAt), () => this.tokenLoop());
    }
  }

  private scheduleDatabaseRenewal(): void {
    const lease = this.databaseLease;
    if (!this.api || !lease) return;
    const issuedAt = lease.expiresAt - lease.durationSeconds * 1000;
    this.schedule('database', issuedAt + lease.durationSeconds * 1000 * RENEW_AT_FRACTION - Date.now(), () =>
      this.databaseLoop(),
    );
  }

  private async databaseLoop(): Promise<void> {
    const api = this.api as VaultApi;
    const lease = this.databaseLease as DatabaseLease;
    try {
      let rotate = !lease.renewable || lease.expiresAt <= Date.now();
      if (!rotate) {
        try {
          const renewal = await this.withFreshToken(() => api.renewLease(lease.leaseId, lease.durationSeconds));
          lease.expiresAt = Date.now() + renewal.leaseDurationSeconds * 1000;
          lease.renewable = renewal.renewable;
          // Granted less than asked: max_ttl is within one lease. Renewing at 2/3 after a full grant leaves at
          // least a third of the lease, so the old credentials stay valid that long after the new ones arrive.
          rotate = renewal.leaseDurationSeconds < lease.durationSeconds || !renewal.renewable;
          if (!rotate) {
            this.succeeded('database');
            this.schedule('database', renewal.leaseDurationSeconds * 1000 * RENEW_AT_FRACTION, () =>
              this.databaseLoop(),
            );
            return;
          }
        } catch (error) {
          // 400 "lease not found" / "lease expired": the lease is gone; fetch new credentials.
          if (!(error instanceof VaultRequestError) || error.transient || error.forbidden) throw error;
          rotate = true;
        }
      }
      const credentials = await this.withFreshToken(() => api.readDatabaseCredentials());
      const oldExpiresAt = lease.expiresAt;
      this.acceptDatabaseCredentials(credentials);
      this.publish();
      this.logger.log(
        `database credentials rotated; the previous ones stay valid until ${new Date(oldExpiresAt).toISOString()}`,
      );
      this.succeeded('database');
      this.scheduleDatabaseRenewal();
    } catch (error) {
      this.failed('database', error, `database credentials valid until ${new Date(lease.expiresAt).toISOString()}`);
      this.schedule('database', this.retryDelay(lease.expiresAt), () => this.databaseLoop());
    }
  }

  /** Runs a call; if Vault says the token is no longer accepted (403) and the method can log in, does so once and retries. */
  private async withFreshToken<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof VaultRequestError) || !error.forbidden || !this.api?.canLogin) throw error;
      await this.login();
      return call();
    }
  }

  private succeeded(task: string): void {
    if (this.failures.delete(task) && this.failures.size === 0) {
      this.consecutiveFailures = 0;
      this.logger.log('Vault is available again');
    }
  }

  private failed(task: string, error: unknown, consequence: string): void {
    const text = this.safe(message(error));
    this.failures.delete(task);
    this.failures.set(task, text);
    this.consecutiveFailures += 1;
    this.logger.warn(this.safe(`${task} failed (${consequence}): ${text}`));
  }

  /** Exponential backoff with full jitter, never past the given deadline's last third. */
  private retryDelay(deadline?: number): number {
    const exponent = Math.min(this.consecutiveFailures, 16);
    let delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** exponent) * (0.5 + Math.random() / 2);
    if (deadline !== undefined) delay = Math.min(delay, Math.max(RETRY_MIN_MS, (deadline - Date.now()) / 3));
    return delay;
  }

  private schedule(name: string, delayMs: number, task: () => Promise<void>): void {
    if (this.stopped) return;
    const existing = this.timers.get(name);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(
      () => {
        this.timers.delete(name);
        if (!this.stopped) void task();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, delayMs)),
    );
    timer.unref();
    this.timers.set(name, timer);
  }

  private safe(text: string): string {
    return this.secrets.redact(text);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

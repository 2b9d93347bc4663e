import { Injectable } from '@nestjs/common';
import { isSecretName, passwordInUrl } from './secret-names';

export { SECRET_NAME_PATTERN } from './secret-names';

export type SecretChangeListener = (name: string) => void;

/** Shorter values would redact ordinary words and numbers from logs. */
const MIN_REDACTED_LENGTH = 4;
/** Rotated-away values stay redacted; a bound keeps a long-running process from growing without end. */
const MAX_RETIRED_VALUES = 256;
export const REDACTED = '[REDACTED]';

/**
 * The secrets port: the one place the application reads secrets from (admin token, database URL/credentials, MLflow
 * credentials), used as the DI token. Consumers read a secret each time they use it (or subscribe to changes), so a
 * rotated value takes effect without a restart; `secretValues`/`redact` are what logs and errors mask.
 *
 * Its own source is the environment it was built with (the environment adapter, the default). The Vault adapter
 * (src/vault: VaultSession, Agent files) lays the values it reads over it with `setMany`. Precedence (highest
 * first): Vault dynamic database credentials, Vault KV, Vault Agent files under /vault/secrets/, environment (see
 * src/vault/README.md).
 */
@Injectable()
export class SecretsService {
  private readonly values = new Map<string, string>();
  private readonly listeners = new Set<SecretChangeListener>();
  private readonly retired = new Set<string>();
  /** secretValues() runs for every log line; recomputed only after a change. */
  private cachedSecretValues?: string[];

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(name: string): string | undefined {
    return this.values.get(name) ?? nonEmpty(this.env[name]);
  }

  /** Sets (or with undefined, clears) an overriding value and tells the listeners when it changed. */
  set(name: string, value: string | undefined): void {
    this.setMany({ [name]: value });
  }

  /** Sets several values, then notifies once per changed name (after all are in place, so a listener that
   * reads DATABASE_USERNAME and DATABASE_PASSWORD together never sees a half-updated pair). */
  setMany(entries: Readonly<Record<string, string | undefined>>): string[] {
    const changed: string[] = [];
    this.cachedSecretValues = undefined;
    for (const [name, value] of Object.entries(entries)) {
      const before = this.get(name);
      if (value === undefined) this.values.delete(name);
      else this.values.set(name, value);
      if (this.get(name) !== before) {
        changed.push(name);
        if (before !== undefined && isSecretName(name)) this.retire(before);
      }
    }
    for (const name of changed) {
      for (const listener of this.listeners) {
        try {
          listener(name);
        } catch {
          // One failing consumer must not keep the others on a stale secret.
        }
      }
    }
    return changed;
  }

  /** Names that currently have an overriding value (from Vault or Agent files). */
  overriddenNames(): string[] {
    return [...this.values.keys()];
  }

  /** Returns a function that unsubscribes. */
  onChange(listener: SecretChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every value that must never be printed: current and rotated-away values of secret-named keys from Vault,
   * Agent files and the environment, and passwords inside URLs. Longest first, so a value containing another is
   * masked whole. */
  secretValues(): string[] {
    this.cachedSecretValues ??= this.collectSecretValues();
    return this.cachedSecretValues;
  }

  private collectSecretValues(): string[] {
    const all = new Set<string>(this.retired);
    for (const source of [Object.entries(this.env), [...this.values.entries()]]) {
      for (const [name, value] of source) {
        if (value === undefined) continue;
        if (isSecretName(name)) all.add(value);
        else if (passwordInUrl(value) !== undefined) all.add(value);
      }
    }
    for (const value of [...all]) {
      const password = passwordInUrl(value);
      if (password !== undefined) all.add(password);
    }
    return [...all].filter((value) => value.length >= MIN_REDACTED_LENGTH).sort((a, b) => b.length - a.length);
  }

  /** Replaces every known secret value in a text with [REDACTED]. */
  redact(text: string): string {
    let result = text;
    for (const value of this.secretValues()) {
      if (result.includes(value)) result = result.split(value).join(REDACTED);
    }
    return result;
  }

  private retire(value: string): void {
    if (this.retired.size >= MAX_RETIRED_VALUES) {
      const oldest = this.retired.values().next().value;
      if (oldest !== undefined) this.retired.delete(oldest);
    }
    this.retired.add(value);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

let processWide: SecretsService | undefined;

/** The SecretsService of this process's environment: the one the Vault adapter fills and Nest provides. */
export function processSecrets(): SecretsService {
  processWide ??= new SecretsService(process.env);
  return processWide;
}

/** processSecrets() for the process environment, a new SecretsService for any other (a test's, a child's). */
export function secretsOf(env: NodeJS.ProcessEnv): SecretsService {
  return env === process.env ? processSecrets() : new SecretsService(env);
}

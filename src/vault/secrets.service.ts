import { Injectable } from '@nestjs/common';

export type SecretChangeListener = (name: string) => void;

/**
 * The one place the application reads secrets from (admin token, database URL/credentials, MLflow credentials).
 * Consumers read a secret each time they use it (or subscribe to changes), so a rotated value takes effect
 * without a restart. Precedence (highest first): Vault KV, Vault Agent files under /vault/secrets/, environment.
 * Without Vault this serves the process environment.
 */
@Injectable()
export class SecretsService {
  private readonly values = new Map<string, string>();
  private readonly listeners = new Set<SecretChangeListener>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(name: string): string | undefined {
    return this.values.get(name) ?? nonEmpty(this.env[name]);
  }

  /** Sets (or with undefined, clears) an overriding value and tells the listeners when it changed. */
  set(name: string, value: string | undefined): void {
    const before = this.get(name);
    if (value === undefined) this.values.delete(name);
    else this.values.set(name, value);
    if (this.get(name) !== before) for (const listener of this.listeners) listener(name);
  }

  /** Returns a function that unsubscribes. */
  onChange(listener: SecretChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

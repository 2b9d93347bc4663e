import type { SecretsService } from './secrets.service';
import { REDACTED } from './secrets.service';

/**
 * pino `redact.paths` for what carries a secret by its name: credential headers of requests and responses, an
 * axios-style error's request config, and top-level fields named like tokens and passwords. Explicit paths only:
 * pino's wildcard paths (`*.password`) cost about 3x per log line. Secrets known to SecretsService are masked
 * wherever they appear by the value-based hook of secretRedactionPinoOptions.
 */
export const SECRET_REDACTION_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-vault-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'err.config.headers["X-Vault-Token"]',
  'err.config.data',
  ...[
    'password',
    'token',
    'secret',
    'secret_id',
    'client_token',
    'jwt',
    'connectionString',
    'DATABASE_URL',
    'ADMIN_API_TOKEN',
    'DATABASE_PASSWORD',
    'MLFLOW_TRACKING_TOKEN',
    'MLFLOW_TRACKING_PASSWORD',
    'VAULT_TOKEN',
  ],
];

/** Replaces every secret value SecretsService knows (current and rotated-away) in a text with [REDACTED]. */
export function redactSecretValues(text: string, secrets: SecretsService): string {
  return secrets.redact(text);
}

/**
 * Masks secret values inside strings, arrays, plain objects and Errors (an Error comes back as an Error, so pino
 * still serializes it as `err`). Other objects (a request, a socket) pass through untouched: walking them would be
 * slow, and pino's serializers plus `redact.paths` handle them.
 */
export function redactDeep(value: unknown, secrets: SecretsService, depth = 0): unknown {
  if (typeof value === 'string') return secrets.redact(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const copy = new Error(secrets.redact(value.message));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : secrets.redact(value.stack);
    for (const [key, item] of Object.entries(value)) {
      (copy as unknown as Record<string, unknown>)[key] = redactDeep(item, secrets, depth + 1);
    }
    return copy;
  }
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactDeep(item, secrets, depth + 1);
  return out;
}

/**
 * Options to spread into pino (or nestjs-pino's `pinoHttp`): path-based redaction, plus a hook that masks known
 * secret values in every message string and every logged object (an error message quoting a password, say).
 */
export function secretRedactionPinoOptions(secrets: SecretsService): {
  redact: { paths: string[]; censor: string };
  hooks: { logMethod(this: unknown, args: unknown[], method: (...args: unknown[]) => void): void };
} {
  return {
    redact: { paths: [...SECRET_REDACTION_PATHS], censor: REDACTED },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => redactDeep(arg, secrets)),
        );
      },
    },
  };
}

import type { SecretsService } from './secrets.service';
import { REDACTED } from './secrets.service';

/**
 * pino `redact.paths` for anything that carries a secret by its name: request headers with credentials,
 * Vault's own fields (client_token, secret_id, jwt), and fields named like passwords and tokens one or two
 * levels deep. Use with `censor: '[REDACTED]'`; value-based masking (redactSecretValues) covers the rest.
 */
export const SECRET_REDACTION_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-vault-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-vault-token"]',
  ...['password', 'token', 'secret', 'secret_id', 'client_token', 'jwt', 'connectionString', 'DATABASE_URL'].flatMap(
    (field) => [field, `*.${field}`, `*.*.${field}`],
  ),
  ...[
    'ADMIN_API_TOKEN',
    'DATABASE_PASSWORD',
    'MLFLOW_TRACKING_TOKEN',
    'MLFLOW_TRACKING_PASSWORD',
    'VAULT_TOKEN',
  ].flatMap((field) => [field, `*.${field}`]),
];

/** Replaces every secret value SecretsService knows (current and rotated-away) in a text with [REDACTED]. */
export function redactSecretValues(text: string, secrets: SecretsService): string {
  return secrets.redact(text);
}

/** Masks secret values anywhere inside a JSON-like value (strings, arrays, plain objects, Error messages). */
export function redactDeep(value: unknown, secrets: SecretsService, depth = 0): unknown {
  if (typeof value === 'string') return secrets.redact(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: secrets.redact(value.message),
      stack: value.stack && secrets.redact(value.stack),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets, depth + 1));
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

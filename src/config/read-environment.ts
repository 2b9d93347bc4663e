import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { isSecretName, passwordInUrl } from './secret-names';

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid environment (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
    this.name = 'InvalidEnvironmentError';
  }
}

/** A rule across keys (or about the world, such as a readable file), reported like the class's own problems; it
 * runs even when some keys are invalid, so it must check the types it relies on. */
export interface EnvironmentProblem {
  readonly key: string;
  readonly reason: string;
}

export type EnvironmentCheck<T> = (environment: T) => readonly EnvironmentProblem[];

/**
 * Reads one environment class from `env` with its defaults: values are trimmed and blank ones count as unset.
 * Throws one InvalidEnvironmentError listing every bad `KEY=value`.
 */
export function readEnvironment<T extends object>(
  cls: new () => T,
  env: Record<string, unknown>,
  check?: EnvironmentCheck<T>,
): T {
  const { instance, problems } = parseEnvironment(cls, env, check);
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
  return instance;
}

export function environmentProblems(cls: new () => object, env: Record<string, unknown>): string[] {
  return parseEnvironment(cls, env).problems;
}

/** The class instance and each problem as `KEY=value: reason` (secret values masked, see describeValue). */
export function parseEnvironment<T extends object>(
  cls: new () => T,
  env: Record<string, unknown>,
  check?: EnvironmentCheck<T>,
): { instance: T; problems: string[] } {
  const present: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    const trimmed = typeof value === 'string' ? value.trim() : value;
    if (trimmed !== undefined && trimmed !== '') present[key] = trimmed;
  }
  const instance = plainToInstance(cls, present, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { skipMissingProperties: false, whitelist: false, forbidUnknownValues: false });
  const problems = errors.map((error) => describe(error, env));
  if (check) {
    for (const { key, reason } of check(instance)) problems.push(`${key}=${describeValue(key, env[key])}: ${reason}`);
  }
  return { instance, problems };
}

/** How an environment value is shown in an error: `(unset)`, `***` for a secret name, else quoted with any
 * password inside a URL masked. */
export function describeValue(key: string, raw: unknown): string {
  if (raw === undefined || String(raw).trim() === '') return '(unset)';
  if (isSecretName(key)) return '***';
  const text = String(raw);
  const password = passwordInUrl(text);
  if (password === undefined) return JSON.stringify(text);
  return JSON.stringify(text.split(encodeURIComponent(password)).join('***').split(password).join('***'));
}

function describe(error: ValidationError, env: Record<string, unknown>): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  return `${error.property}=${describeValue(error.property, env[error.property])}: ${reasons}`;
}

import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** Names whose values never appear in error messages. */
const SECRET_NAME = /TOKEN|PASSWORD|SECRET|KEY|CREDENTIAL|DATABASE_URL/i;

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid environment (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
    this.name = 'InvalidEnvironmentError';
  }
}

/** Reads one module's environment class from `env` (empty values count as unset), with its defaults. */
export function readEnvironment<T extends object>(
  cls: new () => T,
  env: NodeJS.ProcessEnv | Record<string, unknown> = process.env,
): T {
  const { instance, problems } = convert(cls, env);
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
  return instance;
}

export function environmentProblems(cls: new () => object, env: Record<string, unknown>): string[] {
  return convert(cls, env).problems;
}

function convert<T extends object>(
  cls: new () => T,
  env: Record<string, unknown>,
): { instance: T; problems: string[] } {
  const present: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') present[key] = value;
  const instance = plainToInstance(cls, present, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { skipMissingProperties: false, whitelist: false, forbidUnknownValues: false });
  return { instance, problems: errors.flatMap((error) => describe(error, env)) };
}

function describe(error: ValidationError, env: Record<string, unknown>): string[] {
  const key = error.property;
  const raw = env[key];
  const shown =
    raw === undefined || raw === '' ? '(unset)' : SECRET_NAME.test(key) ? '***' : JSON.stringify(String(raw));
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  return [`${key}=${shown}: ${reasons}`];
}

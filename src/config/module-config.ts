import { registerAs, type ConfigFactory, type ConfigFactoryKeyHost } from '@nestjs/config';
import { InvalidEnvironmentError, parseEnvironment, type EnvironmentCheck } from './read-environment';

type Settings = Record<string, unknown>;
type NestConfigFactory<C> = ConfigFactory<C & Settings> & ConfigFactoryKeyHost<C>;

export interface ModuleConfigDefinition<E extends object, C> {
  /** The `registerAs` namespace, and the config's key in the composition root's snapshot. */
  readonly namespace: string;
  readonly environment: new () => E;
  /** The typed configuration of an environment that passed validation (`env` is the raw one, for "set but empty"). */
  readonly toConfig: (environment: E, env: Record<string, unknown>) => C;
  readonly check?: EnvironmentCheck<E>;
  /** What Nest's ConfigService may hold (default: all of it); keep secrets out. */
  readonly published?: (config: C) => Settings;
}

/**
 * One module's configuration: its environment class, the typed config built from it, and the injection token
 * (`KEY`, as with `registerAs`). The composition root validates every module's environment at once
 * (validateModuleConfigs) and hands Nest the values through `provide`, so nothing parses the environment twice.
 */
export interface ModuleConfig<E extends object, C> extends NestConfigFactory<C> {
  readonly namespace: string;
  readonly environment: new () => E;
  /** Every problem of this module's environment (each `KEY=value: reason`), or its typed configuration. */
  parse(env: Record<string, unknown>): { problems: string[]; config?: C };
  /** Validates this module's environment alone (a command-line entry, a test) and returns its configuration. */
  from(env: Record<string, unknown>): C;
  /** This module's environment validated alone from the process environment, for code not yet handed its
   * configuration by a composition root (a default argument, a test). */
  fromProcess(): C;
  /** A `ConfigModule.forRoot({ load })` entry that serves an already validated configuration. */
  provide(config: C): NestConfigFactory<C>;
}

export function defineModuleConfig<E extends object, C>(definition: ModuleConfigDefinition<E, C>): ModuleConfig<E, C> {
  const { namespace, environment, toConfig, check, published = (config: C) => config as Settings } = definition;
  const parse = (env: Record<string, unknown>): { problems: string[]; config?: C } => {
    const { instance, problems } = parseEnvironment(environment, env, check);
    return problems.length > 0 ? { problems } : { problems, config: toConfig(instance, env) };
  };
  const from = (env: Record<string, unknown>): C => {
    const { problems, config } = parse(env);
    if (problems.length > 0 || config === undefined) throw new InvalidEnvironmentError(problems);
    return config;
  };
  const provide = (config: C): NestConfigFactory<C> =>
    registerAs(namespace, () => published(config) as C & Settings) as NestConfigFactory<C>;
  const fromProcess = (): C => from(process.env);
  // Standalone use (a module built in a test without the composition root) reads the process environment.
  const standalone = registerAs(namespace, () => published(fromProcess()) as C & Settings);
  return Object.assign(standalone, { namespace, environment, parse, from, fromProcess, provide }) as ModuleConfig<E, C>;
}

type Parses<C> = { parse(env: Record<string, unknown>): { problems: string[]; config?: C } };

export type ConfigOf<M> = M extends Parses<infer C> ? C : never;

/**
 * Validates the environment of every given module once and throws one InvalidEnvironmentError listing each bad
 * `KEY=value` of all of them (a key shared by two modules is listed once); returns each module's configuration.
 */
export function validateModuleConfigs<M extends Record<string, Parses<unknown>>>(
  modules: M,
  env: Record<string, unknown>,
): { readonly [K in keyof M]: ConfigOf<M[K]> } {
  const problems = new Set<string>();
  const configs: Record<string, unknown> = {};
  for (const [name, module] of Object.entries(modules)) {
    const parsed = module.parse(env);
    for (const problem of parsed.problems) problems.add(problem);
    configs[name] = parsed.config;
  }
  if (problems.size > 0) throw new InvalidEnvironmentError([...problems]);
  return configs as { readonly [K in keyof M]: ConfigOf<M[K]> };
}

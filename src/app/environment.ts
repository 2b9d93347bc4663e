import { classifierConfig } from '../classifier/config/classifier.config';
import { validateModuleConfigs } from '../config/module-config';
import { httpConfig } from '../http/http.config';
import { mlflowConfig } from '../mlflow/config/mlflow.config';
import { datasetsConfig } from '../training/config/datasets.config';
import { feedbackConfig } from '../feedback/config/feedback.config';
import { retrainingConfig } from '../retraining/config/retraining.config';
import { vaultConfig } from '../vault/config/vault.config';

export { InvalidEnvironmentError, readEnvironment } from '../config/read-environment';

/**
 * Every module's configuration. A module that reads the environment defines `<module>/config/<module>.config.ts`
 * (defineModuleConfig) and is listed here, so one start-up check reports every bad key of the application at once.
 */
export const MODULE_CONFIGS = {
  http: httpConfig,
  classifier: classifierConfig,
  vault: vaultConfig,
  mlflow: mlflowConfig,
  datasets: datasetsConfig,
  feedback: feedbackConfig,
  retraining: retrainingConfig,
};

/** The validated, typed configuration of every module: built once at start, then handed to the application. */
export type AppConfig = ReturnType<typeof loadEnvironment>;

/**
 * Validates every module's environment once and returns each module's typed configuration, or throws one
 * InvalidEnvironmentError listing each bad `KEY=value` (secret values masked).
 */
export function loadEnvironment(env: Record<string, unknown>) {
  return validateModuleConfigs(MODULE_CONFIGS, env);
}

/** `ConfigModule.forRoot({ load })` entries serving each module's already validated configuration under its token. */
export function configFactories(config: AppConfig): ReadonlyArray<ReturnType<typeof httpConfig.provide>> {
  return Object.entries(MODULE_CONFIGS).map(([name, module]) =>
    (module.provide as (value: unknown) => ReturnType<typeof httpConfig.provide>)(config[name as keyof AppConfig]),
  );
}

import { ClassifierEnvironment } from '../classifier/config/classifier.config';
import { MlflowEnvironment } from '../mlflow/config/mlflow.config';
import { FeedbackEnvironment } from '../feedback/config/feedback.config';
import { RetrainingEnvironment } from '../retraining/config/retraining.config';
import { VaultEnvironment } from '../vault/config/vault.config';
import { HttpEnvironment } from '../http/http.config';
import { environmentProblems, InvalidEnvironmentError } from '../config/read-environment';

export { InvalidEnvironmentError, readEnvironment } from '../config/read-environment';

export type EnvironmentClass = new () => object;

/**
 * Every module's environment class. A module that owns configuration adds its `<Module>Environment` here, so one
 * start-up check reports every bad key of the whole application at once.
 */
export const ENVIRONMENT_CLASSES: EnvironmentClass[] = [
  HttpEnvironment,
  ClassifierEnvironment,
  VaultEnvironment,
  MlflowEnvironment,
  FeedbackEnvironment,
  RetrainingEnvironment,
];

/**
 * Validates every module's environment at once and throws one error listing each bad `KEY=value`
 * (secret values masked). Used as `ConfigModule.forRoot({ validate })` and by `main.ts` before anything starts.
 */
export function validateEnvironment(
  env: Record<string, unknown> = process.env,
  classes: readonly EnvironmentClass[] = ENVIRONMENT_CLASSES,
): Record<string, unknown> {
  const problems = classes.flatMap((cls) => environmentProblems(cls, env));
  if (problems.length > 0) throw new InvalidEnvironmentError([...new Set(problems)]);
  return env;
}

import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { resolve } from 'node:path';
import { defineModuleConfig } from '../../config/module-config';
import { projectRoot } from '../../config/project-root';
import { DEFAULT_GATE_RULE, type GateRule } from '../promotion';

const NAME = /^[/\w.\- ]+$/;

/**
 * MLflow settings. Without MLFLOW_TRACKING_URI, runs and versions go to the local registry on disk; the service
 * follows the `champion` alias of either registry the same way. Credentials are secrets (MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and
 * MLFLOW_TRACKING_PASSWORD), read through SecretsService at each request, never here.
 */
export class MlflowEnvironment {
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  MLFLOW_TRACKING_URI?: string;

  @IsString()
  @Matches(NAME, { message: "MLFLOW_EXPERIMENT_NAME may only hold letters, digits, '_', '-', '.', ' ' and '/'" })
  MLFLOW_EXPERIMENT_NAME = 'spam-classifier-training';

  @IsString()
  @Matches(NAME, { message: "MLFLOW_MODEL_NAME may only hold letters, digits, '_', '-', '.', ' ' and '/'" })
  MLFLOW_MODEL_NAME = 'spam-classifier';

  /** How often the service asks which version holds the `champion` alias (MLflow or the local registry). */
  @Type(() => Number)
  @IsInt()
  @Min(200)
  @Max(86_400_000)
  MLFLOW_POLL_INTERVAL_MS = 30_000;

  /** Per HTTP attempt. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  MLFLOW_REQUEST_TIMEOUT_MS = 10_000;

  /** Attempts per call on network errors, 429 and 503 (exponential backoff with jitter in between). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  MLFLOW_MAX_ATTEMPTS = 4;

  /** The on-disk registry used without MLFLOW_TRACKING_URI, and where unsynced runs wait for `models sync`. */
  @IsString()
  MLFLOW_LOCAL_REGISTRY_DIR: string = resolve(projectRoot(), 'var', 'registry');

  /** The last champion downloaded from MLflow, so a restart works while MLflow is down. */
  @IsString()
  MLFLOW_CHAMPION_CACHE_DIR: string = resolve(projectRoot(), 'var', 'champion');

  /** Quality gate: the candidate's F1 must be at least the champion's plus this, on every evaluation set. */
  @Type(() => Number)
  @IsNumber()
  @Min(-1)
  @Max(1)
  MLFLOW_GATE_MIN_F1_GAIN = DEFAULT_GATE_RULE.minF1Gain;

  /** Quality gate: the candidate may have at most this many more false positives than the champion. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  MLFLOW_GATE_MAX_FP_INCREASE = DEFAULT_GATE_RULE.maxFpIncrease;

  /** Run tags: who logged the run (default: the login user) and from where (MLflow's own variable names). */
  @IsOptional()
  @IsString()
  MLFLOW_USER?: string;

  @IsOptional()
  @IsString()
  USER?: string;

  @IsString()
  MLFLOW_SOURCE_NAME = 'spam-classifier/train';

  /** The CI build that produced the code, tagged on runs and written on the model card. */
  @IsOptional()
  @IsString()
  BUILD_NUMBER?: string;

  /** The commit of the code; unset = asked from git when a run is logged. */
  @IsOptional()
  @IsString()
  GIT_COMMIT?: string;
}

export interface MlflowConfig {
  /** Undefined = use the local registry. */
  trackingUri: string | undefined;
  experimentName: string;
  modelName: string;
  pollIntervalMs: number;
  requestTimeoutMs: number;
  maxAttempts: number;
  localRegistryDir: string;
  championCacheDir: string;
  gate: GateRule;
  /** What a logged run is tagged with. */
  runTags: {
    /** MLFLOW_USER, else USER; undefined = the login user (os.userInfo). */
    user: string | undefined;
    sourceName: string;
    buildNumber: string | undefined;
    gitCommit: string | undefined;
  };
}

export const mlflowConfig = defineModuleConfig({
  namespace: 'mlflow',
  environment: MlflowEnvironment,
  toConfig: (e): MlflowConfig => ({
    trackingUri: e.MLFLOW_TRACKING_URI?.replace(/\/+$/, ''),
    experimentName: e.MLFLOW_EXPERIMENT_NAME,
    modelName: e.MLFLOW_MODEL_NAME,
    pollIntervalMs: e.MLFLOW_POLL_INTERVAL_MS,
    requestTimeoutMs: e.MLFLOW_REQUEST_TIMEOUT_MS,
    maxAttempts: e.MLFLOW_MAX_ATTEMPTS,
    localRegistryDir: resolve(e.MLFLOW_LOCAL_REGISTRY_DIR),
    championCacheDir: resolve(e.MLFLOW_CHAMPION_CACHE_DIR),
    gate: { minF1Gain: e.MLFLOW_GATE_MIN_F1_GAIN, maxFpIncrease: e.MLFLOW_GATE_MAX_FP_INCREASE },
    runTags: {
      user: e.MLFLOW_USER ?? e.USER,
      sourceName: e.MLFLOW_SOURCE_NAME,
      buildNumber: e.BUILD_NUMBER,
      gitCommit: e.GIT_COMMIT,
    },
  }),
});

/** This module's environment validated alone (CLIs, tests); the service validates every module at once. */
export function mlflowConfigFrom(env: Record<string, unknown>): MlflowConfig {
  return mlflowConfig.from(env);
}

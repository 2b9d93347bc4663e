import type { MlflowCredentials, SecretSource } from './client/mlflow-credentials';
import { credentialsFromSecrets } from './client/mlflow-credentials';
import { MlflowClient } from './client/mlflow-client';
import type { MlflowConfig } from './config/mlflow.config';
import { LocalTrackingStore } from './local-tracking-store';
import { MlflowTrackingStore } from './mlflow-tracking-store';
import {
  adoptServingAsChampion,
  CHAMPION_ALIAS,
  promoteIfBetter,
  type GateRule,
  type PromotionDecision,
  type ServingBaseline,
} from './promotion';
import type { TrainingRunInput } from './run-input';
import { logTrainingRun, type LoggedRun, type RunLoggerLogger, type RunTags } from './run-logger';
import { servingRunInput } from './serving-model';
import { sourceCommit } from './source-commit';
import type { ModelVersionRecord, TrackingStore } from './tracking-store';
import { createLocalTrackingStore, createTrackingStore } from './tracking-store.factory';

/** What publishing a trained run did: the logged (and registered) run, and the gate's decision when it ran. */
export interface Publication {
  readonly run: LoggedRun;
  /** Absent when the gate was not asked for, or when the run could not be registered (saved locally, not synced). */
  readonly promotion?: PromotionDecision;
}

/** The serving model registered as the champion of an empty registry. */
export interface ServingRegistration {
  readonly version: ModelVersionRecord;
  /** False when a version of this artifact was registered before (a restart after a failed alias move). */
  readonly registered: boolean;
  readonly promotion: PromotionDecision;
}

export type PublishSettings = Pick<MlflowConfig, 'experimentName' | 'modelName' | 'gate'> &
  Partial<Pick<MlflowConfig, 'runTags'>>;

export interface RunPublisherOptions {
  /** Where the run goes when `store` is unreachable, marked "not synced" for `models sync`. */
  readonly fallback?: TrackingStore;
  readonly logger?: RunLoggerLogger;
}

/**
 * The one way a trained model is published, for the training CLI, the in-process retrain and the training Job alike:
 * log the run (params, metrics, charts, model card; to the local fallback when MLflow is down), register a version
 * of the model from the run's `model/` folder, apply the quality gate, and move the `champion` (or `challenger`)
 * alias. MLflow being down never fails the training: the run waits, not synced, for `models sync`.
 */
export class RunPublisher {
  constructor(
    readonly store: TrackingStore,
    readonly settings: PublishSettings,
    private readonly options: RunPublisherOptions = {},
  ) {}

  /**
   * `baseline`: what serves, asked only when the registry has no champion, for the gate to compare the candidate with
   * (see `promoteIfBetter`).
   */
  async publish(
    input: TrainingRunInput,
    how: { register?: boolean; promote?: boolean; baseline?: () => Promise<ServingBaseline | undefined> } = {},
  ): Promise<Publication> {
    const { experimentName, modelName, gate, runTags } = this.settings;
    const run = await logTrainingRun(this.store, input, {
      experimentName,
      modelName,
      register: how.register !== false,
      fallback: this.options.fallback,
      logger: this.options.logger,
      runTags,
    });
    if (how.promote === false || !run.version) return { run };
    const baseline =
      how.baseline && !(await this.store.getVersionByAlias(modelName, CHAMPION_ALIAS))
        ? await how.baseline()
        : undefined;
    const promotion = await promoteIfBetter(this.store, {
      modelName,
      version: run.version.version,
      rule: gate,
      ...(baseline ? { baseline } : {}),
    });
    this.options.logger?.log(`${modelName} v${promotion.version}: ${promotion.decision} (${promotion.reason})`);
    return { run, promotion };
  }

  /**
   * When the registry names no champion, registers the model that serves (its artifact's bytes, checked against the
   * checksum of what was loaded) as a version, with the figures it records, and makes it the champion, so the
   * registry says what serves and later candidates are gated against it. A version of the same artifact registered
   * before is reused. Undefined, changing nothing, when there is a champion. Never saved to the local fallback: the
   * caller tries again at its next check.
   */
  async registerServing(
    bytes: Buffer,
    loaded: { source: string; checksum: string },
  ): Promise<ServingRegistration | undefined> {
    const { experimentName, modelName, runTags } = this.settings;
    if (await this.store.getVersionByAlias(modelName, CHAMPION_ALIAS)) return undefined;
    const input = await servingRunInput(bytes, loaded.source);
    if (input.artifact.checksum !== loaded.checksum) {
      throw new Error(`${loaded.source} changed since it was loaded: not registered`);
    }
    const modelVersion = input.artifact.metadata.version;
    const known = (await this.store.listModelVersions(modelName)).find((v) => v.tags.model_version === modelVersion);
    const version =
      known ??
      (
        await logTrainingRun(this.store, input, {
          experimentName,
          modelName,
          register: true,
          runTags,
          logger: this.options.logger,
        })
      ).version;
    if (!version) throw new Error(`${modelName}: the serving model ${modelVersion} was logged but not registered`);
    const promotion = await adoptServingAsChampion(this.store, {
      modelName,
      version: version.version,
      reason: `serving (model ${modelVersion}) when the registry had no champion`,
    });
    if (!promotion) return undefined;
    this.options.logger?.log(`${modelName} v${version.version}: champion (${promotion.reason})`);
    return { version: await this.store.getModelVersion(modelName, version.version), registered: !known, promotion };
  }
}

/** The publisher of this configuration: MLflow (local registry as the fallback) or the local registry alone. */
export function runPublisherFromConfig(
  config: MlflowConfig,
  secrets: SecretSource,
  logger?: RunLoggerLogger,
  store: TrackingStore = createTrackingStore(config, secrets, logger),
): RunPublisher {
  return new RunPublisher(store, config, {
    fallback: store.kind === 'local' ? undefined : createLocalTrackingStore(config),
    logger,
  });
}

/**
 * A publisher as plain data, so another thread (the training worker) rebuilds the same one. MLflow credentials are
 * read when it is made and handed over in memory only: never log it.
 */
export interface PublishTarget {
  readonly tracking:
    | { readonly kind: 'local'; readonly root: string }
    | {
        readonly kind: 'mlflow';
        readonly trackingUri: string;
        readonly requestTimeoutMs: number;
        readonly maxAttempts: number;
        readonly credentials: MlflowCredentials;
      };
  /** The local registry that keeps the run when MLflow is unreachable (none when tracking is local). */
  readonly fallbackRoot?: string;
  readonly experimentName: string;
  readonly modelName: string;
  readonly gate: GateRule;
  readonly runTags: RunTags;
}

/**
 * Undefined when `store` is not one another thread can rebuild (an MLflow store needs the secrets too). The git commit
 * is looked up here, once, so the other thread does not run git again.
 */
export async function publishTargetOf(
  config: MlflowConfig,
  store: TrackingStore,
  secrets: SecretSource | undefined,
): Promise<PublishTarget | undefined> {
  const common = {
    experimentName: config.experimentName,
    modelName: config.modelName,
    gate: { ...config.gate },
    runTags: { ...config.runTags, gitCommit: await sourceCommit(config.runTags.gitCommit) },
  };
  if (store instanceof LocalTrackingStore) return { ...common, tracking: { kind: 'local', root: store.root } };
  if (!(store instanceof MlflowTrackingStore) || !config.trackingUri || !secrets) return undefined;
  const { token, username, password } = credentialsFromSecrets(secrets)();
  return {
    ...common,
    tracking: {
      kind: 'mlflow',
      trackingUri: config.trackingUri,
      requestTimeoutMs: config.requestTimeoutMs,
      maxAttempts: config.maxAttempts,
      credentials: { token, username, password },
    },
    fallbackRoot: config.localRegistryDir,
  };
}

export function runPublisherFromTarget(target: PublishTarget, logger?: RunLoggerLogger): RunPublisher {
  const { tracking } = target;
  let store: TrackingStore;
  if (tracking.kind === 'local') {
    store = new LocalTrackingStore(tracking.root);
  } else {
    const { credentials } = tracking;
    store = new MlflowTrackingStore(
      new MlflowClient({
        trackingUri: tracking.trackingUri,
        timeoutMs: tracking.requestTimeoutMs,
        maxAttempts: tracking.maxAttempts,
        credentials: () => credentials,
        onRetry: (endpoint, attempt, reason) => logger?.warn(`MLflow ${endpoint}: retry ${attempt} after ${reason}`),
      }),
    );
  }
  return new RunPublisher(store, target, {
    fallback: target.fallbackRoot ? new LocalTrackingStore(target.fallbackRoot) : undefined,
    logger,
  });
}

import { MlflowClient } from './client/mlflow-client';
import { credentialsFromSecrets, type SecretSource } from './client/mlflow-credentials';
import type { MlflowConfig } from './config/mlflow.config';
import { LocalTrackingStore } from './local-tracking-store';
import { MlflowTrackingStore } from './mlflow-tracking-store';
import type { TrackingStore } from './tracking-store';

export interface StoreLogger {
  warn(message: string): void;
}

export function createMlflowClient(config: MlflowConfig, secrets: SecretSource, logger?: StoreLogger): MlflowClient {
  if (!config.trackingUri) throw new Error('MLFLOW_TRACKING_URI is not set');
  return new MlflowClient({
    trackingUri: config.trackingUri,
    timeoutMs: config.requestTimeoutMs,
    maxAttempts: config.maxAttempts,
    credentials: credentialsFromSecrets(secrets),
    onRetry: (endpoint, attempt, reason) => logger?.warn(`MLflow ${endpoint}: retry ${attempt} after ${reason}`),
  });
}

/** MLflow when MLFLOW_TRACKING_URI is set, else the local registry on disk. */
export function createTrackingStore(config: MlflowConfig, secrets: SecretSource, logger?: StoreLogger): TrackingStore {
  return config.trackingUri
    ? new MlflowTrackingStore(createMlflowClient(config, secrets, logger))
    : new LocalTrackingStore(config.localRegistryDir);
}

/** The local registry, also the outbox of runs that could not reach MLflow. */
export function createLocalTrackingStore(config: MlflowConfig): LocalTrackingStore {
  return new LocalTrackingStore(config.localRegistryDir);
}

import type { AppOptions } from './app.module';
import { ChampionFollowerModule } from '../classifier/champion-follower.module';
import { MlflowModule } from '../mlflow/mlflow.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { RetrainingModule } from '../retraining/retraining.module';
import { VaultModule } from '../vault/vault.module';
import { EngineArtifactCodec } from '../classifier/engine-adapters';
import { EngineDefaultModelTrainer } from './default-model-trainer';

export { EngineArtifactCodec } from '../classifier/engine-adapters';
export { EngineDefaultModelTrainer } from './default-model-trainer';

/** The whole application: the engine, Vault-backed secrets, the MLflow registry follower, feedback and retraining. */
export function productionAppOptions(): AppOptions {
  const mlflow = MlflowModule.forRoot();
  return {
    codec: new EngineArtifactCodec(),
    trainer: new EngineDefaultModelTrainer(),
    secretsModule: VaultModule,
    platformModules: [
      ChampionFollowerModule.forRoot(),
      FeedbackModule,
      RetrainingModule.forRoot({ mlflowModule: mlflow }),
    ],
  };
}

/** The classifier alone (engine + default-model trainer), for the benchmark's ceiling app and lean tests. */
export function engineOnlyAppOptions(): AppOptions {
  return { codec: new EngineArtifactCodec(), trainer: new EngineDefaultModelTrainer() };
}

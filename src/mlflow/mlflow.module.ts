import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { SecretsService } from '../config/secrets.service';
import { mlflowConfig, type MlflowConfig } from './config/mlflow.config';
import { RunPublisher, runPublisherFromConfig } from './publish-run';
import { TrackingStore } from './tracking-store';
import { createTrackingStore } from './tracking-store.factory';

/**
 * The registry: provides the `TrackingStore` port (MLflow when MLFLOW_TRACKING_URI is set, else the local registry)
 * and the `RunPublisher` that logs, registers and gates trained runs in it. Needs `SecretsService` (global).
 * Following the champion is serving's business (`ChampionFollowerModule` in src/classifier).
 */
@Module({})
export class MlflowModule {
  private static instance: DynamicModule | undefined;

  /** One shared definition, so importing it from several modules still makes one store. */
  static forRoot(): DynamicModule {
    return (MlflowModule.instance ??= {
      module: MlflowModule,
      providers: [
        {
          provide: TrackingStore,
          inject: [mlflowConfig.KEY, SecretsService],
          useFactory: (config: MlflowConfig, secrets: SecretsService): TrackingStore =>
            createTrackingStore(config, secrets, new Logger('MlflowClient')),
        },
        {
          provide: RunPublisher,
          inject: [mlflowConfig.KEY, SecretsService, TrackingStore],
          useFactory: (config: MlflowConfig, secrets: SecretsService, store: TrackingStore): RunPublisher =>
            runPublisherFromConfig(config, secrets, new Logger(RunPublisher.name), store),
        },
      ],
      exports: [TrackingStore, RunPublisher],
    });
  }
}

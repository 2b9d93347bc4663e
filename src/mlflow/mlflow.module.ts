import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { SecretsService } from '../config/secrets.service';
import { ChampionFollower } from '../classifier/champion-follower';
import { mlflowConfig, type MlflowConfig } from './config/mlflow.config';
import { MlflowHealthIndicator } from './mlflow-health.indicator';
import { TrackingStore } from './tracking-store';
import { createTrackingStore } from './tracking-store.factory';

/**
 * Tracking and registry: provides the `TrackingStore` port (MLflow when MLFLOW_TRACKING_URI is set, else the local
 * registry), the `ChampionFollower` that makes the service serve the `champion` version, and its health indicator.
 * Needs `ModelHolder` and `ArtifactCodec` (ClassifierCoreModule, global) and `SecretsService` (global).
 */
@Module({})
export class MlflowModule {
  private static instance: DynamicModule | undefined;

  /** One shared definition, so importing it from several modules still makes one follower (one poller). */
  static forRoot(): DynamicModule {
    return (MlflowModule.instance ??= {
      module: MlflowModule,
      imports: [ConfigModule.forFeature(mlflowConfig), TerminusModule.forRoot({ logger: false })],
      providers: [
        {
          provide: TrackingStore,
          inject: [mlflowConfig.KEY, SecretsService],
          useFactory: (config: MlflowConfig, secrets: SecretsService): TrackingStore =>
            createTrackingStore(config, secrets, new Logger('MlflowClient')),
        },
        ChampionFollower,
        MlflowHealthIndicator,
      ],
      exports: [TrackingStore, ChampionFollower, MlflowHealthIndicator],
    });
  }
}

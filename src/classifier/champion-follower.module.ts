import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MlflowModule } from '../mlflow/mlflow.module';
import { ChampionFollower } from './champion-follower';
import { ChampionFollowerHealthIndicator } from './champion-follower.health-indicator';

/**
 * Serving follows the registry: the `ChampionFollower` (loads and swaps the `champion` version) and its health
 * indicator, global so retraining and the pages find the one follower. Needs `ModelHolder`/`ModelLoader`
 * (ClassifierCoreModule, global); re-exports the registry (MlflowModule).
 */
@Module({})
export class ChampionFollowerModule {
  private static instance: DynamicModule | undefined;

  /** One shared definition, so importing it from several modules still makes one follower (one poller). */
  static forRoot(): DynamicModule {
    const registry = MlflowModule.forRoot();
    return (ChampionFollowerModule.instance ??= {
      module: ChampionFollowerModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false }), registry],
      providers: [ChampionFollower, ChampionFollowerHealthIndicator],
      exports: [ChampionFollower, ChampionFollowerHealthIndicator, registry],
    });
  }
}

import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { AuthModule } from '../auth/auth.module';
import { ClassifierCoreModule } from '../classifier/classifier-core.module';
import { ClassifierModule } from '../classifier/classifier.module';
import type { ArtifactCodec, DefaultModelTrainer } from '../classifier/model-artifact.port';
import { FixedWindowThrottlerStorage } from '../http/fixed-window-throttler.storage';
import { API_THROTTLER, PAGES_THROTTLER } from '../http/rate-limits';
import { createRootLogger, ROOT_LOGGER } from '../http/logging';
import { httpConfig, type HttpConfig } from '../http/http.config';
import { configFactories, loadEnvironment, type AppConfig } from './environment';
import { HealthModule } from '../health/health.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SecretsService } from '../config/secrets.service';
import { WebModule } from '../web/web.module';

export interface AppOptions {
  readonly codec: ArtifactCodec;
  readonly trainer?: DefaultModelTrainer;
  /** Where JSON logs go (stdout by default); tests pass a stream to read them. */
  readonly logStream?: DestinationStream;
  /** The global module providing SecretsService (production: VaultModule); default: secrets from the environment. */
  readonly secretsModule?: Type | DynamicModule;
  /** The other rooms of the application (production: MLflow, feedback and retraining). */
  readonly platformModules?: ReadonlyArray<Type | DynamicModule>;
  /** Every module's validated configuration (main.ts validates once at start); default: read from the process
   * environment here. */
  readonly config?: AppConfig;
}

/**
 * Routes whose one log line is the prediction line written by PredictionService (one per message), so the request
 * log line that every other route gets (from the onResponse hook in create-app.ts) is not written for them.
 */
export const PREDICTION_ROUTES = new Set([
  'POST /api/v1/predictions',
  'POST /api/v1/predictions/batch',
  'POST /predict',
]);

@Global()
@Module({})
class LoggingModule {
  static forRoot(stream?: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      providers: [
        {
          provide: ROOT_LOGGER,
          inject: [httpConfig.KEY],
          useFactory: (http: HttpConfig): Logger => createRootLogger(http.logLevel, http.podName, stream),
        },
      ],
      exports: [ROOT_LOGGER],
    };
  }
}

@Global()
@Module({
  providers: [{ provide: SecretsService, useFactory: () => new SecretsService(process.env) }],
  exports: [SecretsService],
})
class SecretsModule {}

@Module({})
export class AppModule {
  static register(options: AppOptions): DynamicModule {
    const config = options.config ?? loadEnvironment(process.env);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          cache: true,
          // Each module's config token serves the values validated once above; nothing parses the environment again.
          load: [...configFactories(config)],
        }),
        LoggingModule.forRoot(options.logStream),
        LoggerModule.forRootAsync({
          inject: [ROOT_LOGGER],
          useFactory: (logger: Logger) => ({
            pinoHttp: { logger },
            // nestjs-pino serves as Nest's logger (JSON through the root pino instance). Its request-logging
            // middleware is not mounted: any Nest middleware makes @fastify/middie copy ten request properties
            // and walk its middleware list on every request, prediction routes included (~5 % of their
            // throughput); the request line comes from the onResponse hook that also records the metrics.
            forRoutes: [],
          }),
        }),
        ThrottlerModule.forRootAsync({
          inject: [httpConfig.KEY],
          useFactory: (http: HttpConfig) => ({
            throttlers: [
              { name: PAGES_THROTTLER, ttl: http.throttleTtlMs, limit: http.throttleLimit },
              { name: API_THROTTLER, ttl: http.throttleTtlMs, limit: http.apiRateLimit },
            ],
            storage: new FixedWindowThrottlerStorage(),
          }),
        }),
        options.secretsModule ?? SecretsModule,
        ClassifierCoreModule.forRoot({ codec: options.codec, trainer: options.trainer }),
        AuthModule,
        HealthModule,
        MetricsModule,
        ClassifierModule,
        WebModule.register(options.platformModules),
        ...(options.platformModules ?? []),
      ],
    };
  }
}

import { Global, Module, RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { AuthModule } from './auth/auth.module';
import { ClassifierCoreModule } from './classifier/classifier-core.module';
import { ClassifierModule } from './classifier/classifier.module';
import { classifierConfig } from './classifier/config/classifier.config';
import type { ArtifactCodec, DefaultModelTrainer } from './classifier/model-artifact.port';
import { FixedWindowThrottlerStorage } from './common/fixed-window-throttler.storage';
import { createRootLogger, ROOT_LOGGER } from './common/logging';
import { httpConfig, type HttpConfig } from './config/http.config';
import { validateEnvironment } from './config/validate-environment';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { SecretsService } from './vault/secrets.service';
import { WebModule } from './web/web.module';

export interface AppOptions {
  readonly codec: ArtifactCodec;
  readonly trainer?: DefaultModelTrainer;
  /** Where JSON logs go (stdout by default); tests pass a stream to read them. */
  readonly logStream?: DestinationStream;
  /** The global module providing SecretsService (production: VaultModule); default: secrets from the environment. */
  readonly secretsModule?: Type | DynamicModule;
  /** The other rooms of the application (production: MLflow, feedback and retraining). */
  readonly platformModules?: ReadonlyArray<Type | DynamicModule>;
}

/**
 * Routes that get nestjs-pino's request log line. The prediction routes (`POST /api/v1/predictions`,
 * `/predictions/batch`, `/predict`) are left out on purpose: their one line per prediction is their log, and
 * keeping them off every middleware path (not merely excluded, which still runs the middleware machinery on each
 * request) is worth ~10 % of their throughput. A new module adds its path prefix here to get request logs.
 */
export const REQUEST_LOGGED_ROUTES = [
  '',
  'health{*splat}',
  'ready',
  'info',
  'metrics',
  'model{*splat}',
  'static{*splat}',
  'v2{*splat}',
  'api/docs{*splat}',
  'api/v1/model{*splat}',
  'api/v1/feedback{*splat}',
  'api/v1/training{*splat}',
].map((path) => ({ path, method: RequestMethod.ALL }));

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
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          cache: true,
          load: [httpConfig, classifierConfig],
          validate: validateEnvironment,
        }),
        LoggingModule.forRoot(options.logStream),
        LoggerModule.forRootAsync({
          inject: [ROOT_LOGGER],
          useFactory: (logger: Logger) => ({
            pinoHttp: {
              logger,
              genReqId: (req) => String((req as { id?: unknown }).id ?? ''),
              customProps: () => ({ context: 'HTTP' }),
              serializers: {
                req: (req: { id: string; method: string; url: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: req.url,
                }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
              quietReqLogger: true,
            },
            forRoutes: REQUEST_LOGGED_ROUTES,
          }),
        }),
        ThrottlerModule.forRootAsync({
          inject: [httpConfig.KEY],
          useFactory: (http: HttpConfig) => ({
            throttlers: [{ name: 'api', ttl: http.throttleTtlMs, limit: http.throttleLimit }],
            storage: new FixedWindowThrottlerStorage(),
          }),
        }),
        options.secretsModule ?? SecretsModule,
        ClassifierCoreModule.forRoot({ codec: options.codec, trainer: options.trainer }),
        AuthModule,
        HealthModule,
        MetricsModule,
        ClassifierModule,
        WebModule,
        ...(options.platformModules ?? []),
      ],
    };
  }
}

import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ThrottlerModule } from '@nestjs/throttler';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import pino from 'pino';
import { join } from 'node:path';
import { ClassifierCoreModule } from '../../src/classifier/classifier-core.module';
import { ClassifierModule } from '../../src/classifier/classifier.module';
import { classifierConfig } from '../../src/classifier/config/classifier.config';
import { HealthModule } from '../../src/health/health.module';
import { httpConfig } from '../../src/http/http.config';
import { feedbackConfig } from '../../src/feedback/config/feedback.config';
import { mlflowConfig } from '../../src/mlflow/config/mlflow.config';
import { retrainingConfig } from '../../src/retraining/config/retraining.config';
import { EngineArtifactCodec } from '../../src/app/production-wiring';
import { AllExceptionsFilter } from '../../src/http/all-exceptions.filter';
import { ROOT_LOGGER } from '../../src/http/logging';
import { FeedbackModule } from '../../src/feedback/feedback.module';
import { RetrainingModule, type RetrainingModuleOptions } from '../../src/retraining/retraining.module';
import { SecretsService } from '../../src/config/secrets.service';

export const ADMIN_TOKEN = 'test-admin-token';

export interface TrainingTestApp {
  readonly app: NestFastifyApplication;
  readonly secrets: SecretsService;
  readonly dir: string;
  readonly admin: { authorization: string };
  close(): Promise<void>;
}

@Global()
@Module({})
class TestSecretsModule {
  static with(secrets: SecretsService): DynamicModule {
    return {
      module: TestSecretsModule,
      providers: [
        { provide: SecretsService, useValue: secrets },
        { provide: ROOT_LOGGER, useValue: pino({ level: 'silent' }) },
      ],
      exports: [SecretsService, ROOT_LOGGER],
    };
  }
}

/**
 * The feedback and retraining modules in a Nest testing app on Fastify with what it needs around it (secrets, the classifier core
 * with the engine's codec, throttling, the one error shape); configuration through process.env as in production,
 * every folder in a temp dir removed on close.
 */
export async function createTrainingTestApp(
  env: Record<string, string>,
  options: RetrainingModuleOptions & { secrets?: Record<string, string>; classifierRoutes?: boolean } = {},
): Promise<TrainingTestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'training-app-'));
  const settings: Record<string, string> = {
    FEEDBACK_DB_PATH: join(dir, 'feedback.sqlite'),
    TRAINING_OUT_DIR: join(dir, 'retrain'),
    MLFLOW_LOCAL_REGISTRY_DIR: join(dir, 'registry'),
    MLFLOW_CHAMPION_CACHE_DIR: join(dir, 'champion'),
    MODEL_DIR: join(dir, 'models'),
    RETRAIN_CRON: '',
    ...env,
  };
  const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
  Object.assign(process.env, settings);
  const secrets = new SecretsService({ ADMIN_API_TOKEN: ADMIN_TOKEN, ...options.secrets });
  const restore = async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [httpConfig, classifierConfig, mlflowConfig, feedbackConfig, retrainingConfig],
        }),
        ThrottlerModule.forRoot({ throttlers: [{ name: 'api', ttl: 60_000, limit: 1_000_000 }] }),
        TestSecretsModule.with(secrets),
        ClassifierCoreModule.forRoot({ codec: new EngineArtifactCodec() }),
        FeedbackModule,
        RetrainingModule.forRoot(options),
        ...(options.classifierRoutes ? [HealthModule, ClassifierModule] : []),
      ],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false } } }),
      { logger: false },
    );
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    let closing: Promise<void> | undefined;
    return {
      app,
      secrets,
      dir,
      admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
      close: async () => {
        closing ??= app.close().then(restore);
        await closing;
      },
    };
  } catch (error) {
    await restore();
    throw error;
  }
}

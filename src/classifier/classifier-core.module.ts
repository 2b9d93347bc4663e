import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { classifierConfig, type ClassifierConfig } from './config/classifier.config';
import { ArtifactCodec, DefaultModelTrainer } from './model-artifact.port';
import { CLASSIFY_MAX_CHARS, ModelHolder } from './model-holder.service';
import { ModelLoader } from './model-loader.service';
import { ModelReadiness } from './model-readiness';
import { PredictionService } from './prediction.service';

export interface ClassifierCoreOptions {
  /** Parses artifacts and builds classifiers (the engine's, in production). */
  readonly codec: ArtifactCodec;
  /** Trains the default model when MODEL_DIR is empty; without it an empty folder leaves the service unready. */
  readonly trainer?: DefaultModelTrainer;
}

/** The model and the predictions, global so other modules (MLflow follower, feedback, web) can use `ModelHolder`. */
@Global()
@Module({})
export class ClassifierCoreModule {
  static forRoot(options: ClassifierCoreOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: ArtifactCodec, useValue: options.codec },
      {
        provide: CLASSIFY_MAX_CHARS,
        inject: [classifierConfig.KEY],
        useFactory: (c: ClassifierConfig) => c.classifyMaxChars,
      },
      ModelHolder,
      ModelLoader,
      ModelReadiness,
      PredictionService,
    ];
    if (options.trainer) providers.push({ provide: DefaultModelTrainer, useValue: options.trainer });
    return {
      module: ClassifierCoreModule,
      providers,
      exports: [
        ArtifactCodec,
        ModelHolder,
        ModelLoader,
        PredictionService,
        ...(options.trainer ? [DefaultModelTrainer] : []),
      ],
    };
  }
}

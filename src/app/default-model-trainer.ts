import { DefaultModelTrainer } from '../classifier/model-artifact.port';

type TrainDefaultModel = (options: { outDir: string }) => Promise<{ artifactPath: string }>;

/**
 * Serving's `DefaultModelTrainer` port, provided by the composition root: the training module's default model
 * (SpamAssassin + SMS when present, fixed hyperparameters). Serving itself never imports training.
 */
export class EngineDefaultModelTrainer extends DefaultModelTrainer {
  async train(outDir: string): Promise<{ artifactPath: string }> {
    // Loaded only when a model must be trained: a normal start never pays for the training code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
    const { trainDefaultModel } = require('../training/default-model') as { trainDefaultModel: TrainDefaultModel };
    const result = await trainDefaultModel({ outDir });
    return { artifactPath: result.artifactPath };
  }
}

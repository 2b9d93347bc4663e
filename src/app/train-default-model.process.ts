/**
 * Entry of the one-off process EngineDefaultModelTrainer starts: trains the default model into `process.argv[2]`,
 * printing one `{"progress": {done, total, stage}}` line per training step and finally `{"artifactPath": …}` on
 * stdout, or the failure's message on stderr with exit code 1. Training in its own process leaves nothing of its
 * data sets and matrices in the memory of the process that then serves the model.
 */
import { trainDefaultModel } from '../training/default-model';

const outDir = process.argv[2];
const line = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
trainDefaultModel({
  outDir,
  onProgress: ({ done, total, stage }) => line({ progress: { done, total, stage } }),
}).then(
  (result) => line({ artifactPath: result.artifactPath }),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

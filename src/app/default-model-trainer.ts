import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DefaultModelTrainer } from '../classifier/model-artifact.port';
import { moduleExtension, RUNNING_FROM_SOURCES, typescriptBootstrap } from '../engine/runtime';

const ENTRY = join(__dirname, `train-default-model.process${moduleExtension()}`);

/**
 * Serving's `DefaultModelTrainer` port, provided by the composition root: the training module's default model
 * (SpamAssassin + SMS when present, fixed hyperparameters), trained in a one-off child process. Serving itself never
 * imports training, and a worker that trained at the first start is not left holding the training's ~120 MB.
 */
export class EngineDefaultModelTrainer extends DefaultModelTrainer {
  /** `env`: the child's environment (default: this process'), where SPAM_DATA_DIR names the data folder. */
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    super();
  }

  train(outDir: string): Promise<{ artifactPath: string }> {
    const args = RUNNING_FROM_SOURCES ? ['-e', typescriptBootstrap('process.argv[1]'), ENTRY] : [ENTRY];
    const child = spawn(process.execPath, [...args, outDir], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        if (code === 0 && line.startsWith('{')) {
          resolve({ artifactPath: (JSON.parse(line) as { artifactPath: string }).artifactPath });
          return;
        }
        const reason = stderr.trim().split('\n').pop() || `exited with ${signal ?? code}`;
        reject(new Error(`training the default model failed: ${reason}`));
      });
    });
  }
}

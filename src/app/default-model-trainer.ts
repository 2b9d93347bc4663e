import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DefaultModelTrainer, type DefaultModelTraining } from '../classifier/model-artifact.port';
import { moduleExtension, RUNNING_FROM_SOURCES, typescriptBootstrap } from '../engine/runtime';

const ENTRY = join(__dirname, `train-default-model.process${moduleExtension()}`);

/**
 * Serving's `DefaultModelTrainer` port, provided by the composition root: the training module's default model
 * (SpamAssassin + SMS when present, fixed hyperparameters), trained in a one-off child process. Serving itself never
 * imports training, and a worker that trained at the first start is not left holding the training's ~120 MB.
 * The child reports each training step on stdout (train-default-model.process.ts), so the page can say how far it is.
 */
export class EngineDefaultModelTrainer extends DefaultModelTrainer {
  private current: { startedAt: Date; step?: DefaultModelTraining['step'] } | undefined;

  /** `env`: the child's environment (default: this process'), where SPAM_DATA_DIR names the data folder. */
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    super();
  }

  override training(): DefaultModelTraining | undefined {
    return this.current && { ...this.current };
  }

  train(outDir: string): Promise<{ artifactPath: string }> {
    const args = RUNNING_FROM_SOURCES ? ['-e', typescriptBootstrap('process.argv[1]'), ENTRY] : [ENTRY];
    const child = spawn(process.execPath, [...args, outDir], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: { startedAt: Date; step?: DefaultModelTraining['step'] } = { startedAt: new Date() };
    this.current = run;
    let artifactPath: string | undefined;
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const message = parseLine(line);
        if (message?.progress) run.step = message.progress;
        if (typeof message?.artifactPath === 'string') artifactPath = message.artifactPath;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    return new Promise<{ artifactPath: string }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        const last = parseLine(pending)?.artifactPath;
        if (typeof last === 'string') artifactPath = last;
        if (code === 0 && artifactPath !== undefined) {
          resolve({ artifactPath });
          return;
        }
        const reason = stderr.trim().split('\n').pop() || `exited with ${signal ?? code}`;
        reject(new Error(`training the default model failed: ${reason}`));
      });
    }).finally(() => {
      if (this.current === run) this.current = undefined;
    });
  }
}

interface ChildLine {
  readonly progress?: { done: number; total: number; stage: string };
  readonly artifactPath?: unknown;
}

function parseLine(line: string): ChildLine | undefined {
  if (!line.trim().startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as ChildLine;
  } catch {
    return undefined;
  }
}

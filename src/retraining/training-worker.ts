/**
 * Entry of the training worker thread: runs one retraining task off the serving thread and reports progress,
 * the result or the failure to the parent. `workerData.taskModule` names the module exporting `runRetrainTask`
 * (default: ./retrain-task), so tests can run the real thread machinery on a small task.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { RetrainTask, RetrainTaskFunction } from './retrain-task.types';
import type { PublishTarget } from '../mlflow/publish-run';

export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: number; readonly stage: string }
  | { readonly type: 'done'; readonly result: unknown }
  | { readonly type: 'error'; readonly message: string };

export interface TrainingWorkerData {
  readonly task: RetrainTask;
  readonly taskModule: string;
  /** When set, the run is also published here (see `publishRetrainInWorker`). Holds credentials: never log it. */
  readonly publishTo?: PublishTarget;
}

async function main(port: NonNullable<typeof parentPort>, data: TrainingWorkerData): Promise<void> {
  const post = (message: WorkerMessage): void => port.postMessage(message);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(data.taskModule) as { runRetrainTask?: RetrainTaskFunction };
    if (typeof loaded.runRetrainTask !== 'function')
      throw new Error(`${data.taskModule} does not export runRetrainTask`);
    const result = await loaded.runRetrainTask(data.task, (progress, stage) =>
      post({ type: 'progress', progress, stage }),
    );
    if (!data.publishTo) return post({ type: 'done', result });
    post({ type: 'progress', progress: 1, stage: 'publishing the run' });
    // Loaded only here: a worker that does not publish never pays for the registry code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
    const { publishRetrainInWorker } = require('./publish-retrain') as typeof import('./publish-retrain');
    const published = await publishRetrainInWorker(data.task.runId, result, data.publishTo);
    post({ type: 'done', result: { ...result, published } });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

if (!isMainThread && parentPort && (workerData as Partial<TrainingWorkerData> | undefined)?.task) {
  void main(parentPort, workerData as TrainingWorkerData);
}

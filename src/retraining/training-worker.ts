/**
 * Entry of the training worker thread: runs one retraining task off the serving thread and reports progress,
 * the result or the failure to the parent. `workerData.taskModule` names the module exporting `runRetrainTask`
 * (default: ./retrain-task), so tests can run the real thread machinery on a small task.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { RetrainTask, RetrainTaskFunction } from './retrain-task.types';
import type { WorkerRunLogging } from './run-logging';

export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: number; readonly stage: string }
  | { readonly type: 'done'; readonly result: unknown }
  | { readonly type: 'error'; readonly message: string };

export interface TrainingWorkerData {
  readonly task: RetrainTask;
  readonly taskModule: string;
  /** When set, the run is also logged and registered here (see `logRetrainRun`). */
  readonly logging?: WorkerRunLogging;
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
    if (!data.logging) return post({ type: 'done', result });
    post({ type: 'progress', progress: 1, stage: 'logging the run' });
    // Loaded only here: a worker without logging never pays for the tracking code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
    const { logRetrainRun } = require('./run-logging') as typeof import('./run-logging');
    post({ type: 'done', result: { ...result, logged: await logRetrainRun(result, data.logging) } });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

if (!isMainThread && parentPort && (workerData as Partial<TrainingWorkerData> | undefined)?.task) {
  void main(parentPort, workerData as TrainingWorkerData);
}

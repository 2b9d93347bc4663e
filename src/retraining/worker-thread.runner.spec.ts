import { join } from 'node:path';
import type { RetrainTask } from './retrain-task.types';
import { WorkerThreadTrainingRunner } from './worker-thread.runner';

const task: RetrainTask = {
  runId: 'r1',
  dataDir: '/nonexistent-data-dir',
  outDir: '/tmp/never-written',
  feedbackTrain: [],
  feedbackHoldout: [],
  feedbackWeight: 1,
  data: '/nonexistent/labelled.csv',
  algorithm: 'logistic_regression',
  cvFolds: 0,
};

describe(WorkerThreadTrainingRunner.name, () => {
  it('should run the real task in a worker thread (TypeScript through @swc/core), relaying progress and the failure', async () => {
    const stages: string[] = [];
    const runner = new WorkerThreadTrainingRunner();
    await expect(
      runner.run(task, { signal: new AbortController().signal, onProgress: (_p, stage) => stages.push(stage) }),
    ).rejects.toThrow('/nonexistent/labelled.csv');
    expect(stages).toEqual(['loading corpora']);
  }, 60_000);

  it('should refuse a task module without runRetrainTask', async () => {
    const module = join(__dirname, 'retrain-task.types.ts');
    const runner = new WorkerThreadTrainingRunner(module);
    await expect(
      runner.run(task, { signal: new AbortController().signal, onProgress: () => undefined }),
    ).rejects.toThrow(`${module} does not export runRetrainTask`);
  }, 60_000);

  it('should terminate the worker when aborted', async () => {
    const abort = new AbortController();
    const runner = new WorkerThreadTrainingRunner();
    const running = runner.run(
      { ...task, data: 'sms', dataDir: '/work/shared/data' },
      { signal: abort.signal, onProgress: () => undefined },
    );
    abort.abort(new Error('the service is shutting down'));
    await expect(running).rejects.toThrow('training worker stopped: the service is shutting down');
    const aborted = new AbortController();
    aborted.abort(new Error('already'));
    await expect(runner.run(task, { signal: aborted.signal, onProgress: () => undefined })).rejects.toThrow(
      'training worker stopped: already',
    );
  }, 60_000);
});

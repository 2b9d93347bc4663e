import type { BatchV1Api, V1Job } from '@kubernetes/client-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  jobOutcome,
  KubernetesJobTrainingRunner,
  RUN_ID_LABEL,
  TRAINING_CLI,
  type JobRunnerOptions,
} from './kubernetes-job.runner';
import type { RetrainTask } from './retrain-task.types';

const task: RetrainTask = {
  runId: '20261127T140512Z-3f9a1c',
  dataDir: '/data',
  outDir: '/out',
  feedbackTrain: [],
  feedbackHoldout: [],
  feedbackWeight: 2,
  data: 'all',
  algorithm: 'logistic_regression',
  cvFolds: 5,
};

const options: JobRunnerOptions = {
  namespace: 'spam',
  pollMs: 10,
  timeoutMs: 60_000,
  feedbackWeight: 2,
  feedbackHoldoutFraction: 0.2,
  image: 'img:1',
};

describe(KubernetesJobTrainingRunner.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'job-template-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should start from the Helm-rendered template, keep its args and add the run and feedback flags', async () => {
    const template = join(dir, 'training-job.yaml');
    await writeFile(
      template,
      [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  generateName: release-spam-classifier-train-',
        '  labels: { app.kubernetes.io/component: training }',
        'spec:',
        '  backoffLimit: 1',
        '  template:',
        '    spec:',
        '      restartPolicy: Never',
        '      containers:',
        '        - name: train',
        '          image: registry/spam:2',
        '          command: [node]',
        '          args: [dist/src/training/cli/train.cli.js, --algorithm, svm, --register]',
      ].join('\n'),
    );
    const runner = new KubernetesJobTrainingRunner({} as BatchV1Api, {
      ...options,
      image: undefined,
      templateFile: template,
    });
    const job = runner.jobFor(task);
    expect(job.metadata).toMatchObject({
      name: 'release-spam-classifier-train-20261127t140512z-3f9a1c',
      namespace: 'spam',
    });
    expect(job.metadata?.labels).toMatchObject({
      'app.kubernetes.io/component': 'training',
      [RUN_ID_LABEL]: task.runId,
    });
    expect(job.spec?.backoffLimit).toBe(1);
    expect(job.spec?.activeDeadlineSeconds).toBe(60);
    const container = job.spec!.template.spec!.containers[0];
    expect(container.image).toBe('registry/spam:2');
    expect(container.args).toEqual([
      TRAINING_CLI,
      '--algorithm',
      'svm',
      '--register',
      '--promote',
      '--run-id',
      task.runId,
      '--feedback-from-database',
      '--feedback-weight',
      '2',
      '--feedback-holdout-fraction',
      '0.2',
    ]);
  });

  it('should refuse a template that is not a Job and a job mode with neither template nor image', async () => {
    const notJob = join(dir, 'pod.yaml');
    await writeFile(notJob, 'kind: Pod\nspec: {}\n');
    expect(() =>
      new KubernetesJobTrainingRunner({} as BatchV1Api, { ...options, templateFile: notJob }).jobFor(task),
    ).toThrow(`TRAINING_JOB_TEMPLATE_FILE=${notJob} is not a batch/v1 Job`);
    expect(() =>
      new KubernetesJobTrainingRunner({} as BatchV1Api, { ...options, templateFile: join(dir, 'absent.yaml') }).jobFor(
        task,
      ),
    ).toThrow(/could not be read/u);
    expect(() =>
      new KubernetesJobTrainingRunner({} as BatchV1Api, { ...options, image: undefined }).jobFor(task),
    ).toThrow('TRAINING_MODE=job needs TRAINING_JOB_TEMPLATE_FILE or TRAINING_JOB_IMAGE');
  });

  it('should delete the Job when the run is aborted', async () => {
    const calls: string[] = [];
    const batch = {
      createNamespacedJob: async () => calls.push('create'),
      readNamespacedJobStatus: async (): Promise<V1Job> => ({ status: { active: 1 } }),
      deleteNamespacedJob: async (request: { name: string; propagationPolicy: string }) =>
        calls.push(`delete ${request.name} ${request.propagationPolicy}`),
    } as unknown as BatchV1Api;
    const abort = new AbortController();
    const runner = new KubernetesJobTrainingRunner(batch, options);
    const stages: string[] = [];
    const running = runner.run(task, { signal: abort.signal, onProgress: (_p, stage) => stages.push(stage) });
    await new Promise((r) => setTimeout(r, 50));
    abort.abort(new Error('timed out'));
    await expect(running).rejects.toThrow('training Job stopped: timed out');
    expect(calls).toEqual(['create', 'delete spam-classifier-train-20261127t140512z-3f9a1c Background']);
    expect(stages).toContain('job spam-classifier-train-20261127t140512z-3f9a1c running');
  });

  it('should fail the run when the Job cannot be created, naming the API answer', async () => {
    const batch = {
      createNamespacedJob: async () => {
        throw Object.assign(new Error('HTTP-Code: 403'), {
          code: 403,
          body: JSON.stringify({ kind: 'Status', message: 'jobs.batch is forbidden' }),
        });
      },
    } as unknown as BatchV1Api;
    const runner = new KubernetesJobTrainingRunner(batch, options);
    await expect(
      runner.run(task, { signal: new AbortController().signal, onProgress: () => undefined }),
    ).rejects.toThrow(/could not create training Job spam\/.+: 403 jobs.batch is forbidden/u);
  });
});

describe(jobOutcome.name, () => {
  it.each([
    [{}, 'pending'],
    [{ active: 1 }, 'running'],
    [{ succeeded: 1 }, 'succeeded'],
    [{ conditions: [{ type: 'Complete', status: 'True' }] }, 'succeeded'],
    [{ conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }] }, 'failed'],
    [{ failed: 2 }, 'failed'],
    [{ failed: 1, active: 1 }, 'running'],
  ])('should read %j as %s', (status, state) => {
    expect(jobOutcome({ spec: { backoffLimit: 1, template: {} }, status } as V1Job).state).toBe(state);
  });
});

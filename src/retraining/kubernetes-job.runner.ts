import { Logger } from '@nestjs/common';
import type { BatchV1Api, V1Container, V1Job } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import type { RetrainTask } from './retrain-task.types';
import { kubernetesErrorMessage, kubernetesStatusCode } from './kubernetes-client';
import { TrainingRunError, TrainingRunner, type RunHooks, type RunnerOutcome } from './training-runner';

/** The training CLI inside the service's own image. */
export const TRAINING_CLI = 'dist/src/training/cli/train.cli.js';
export const RUN_ID_LABEL = 'spam-classifier.io/training-run';

export interface JobRunnerOptions {
  readonly namespace: string;
  /** A batch/v1 Job manifest (YAML/JSON) to start from, as the Helm chart renders it into a ConfigMap. */
  readonly templateFile?: string;
  /** Without a template: the image, resources and service account of the Job. */
  readonly image?: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly serviceAccount?: string;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly feedbackWeight: number;
  readonly feedbackHoldoutFraction: number;
}

/**
 * TRAINING_MODE=job: the leader creates a batch/v1 Job running the training CLI of the same image (it logs to
 * MLflow and applies the quality gate itself: `--register --promote`), polls its status to completion and reports
 * it like an in-process run. On timeout or shutdown the Job is deleted (its pods with it).
 */
export class KubernetesJobTrainingRunner extends TrainingRunner {
  readonly mode = 'job' as const;
  private readonly logger = new Logger(KubernetesJobTrainingRunner.name);

  constructor(
    private readonly batch: BatchV1Api,
    private readonly options: JobRunnerOptions,
  ) {
    super();
  }

  /** The Job this runner creates for a run (public for inspection in tests and logs). */
  jobFor(task: RetrainTask): V1Job {
    const template = this.options.templateFile ? loadTemplate(this.options.templateFile) : this.defaultJob();
    const job: V1Job = structuredClone(template);
    const name = jobName(job.metadata?.generateName ?? 'spam-classifier-train-', task.runId);
    job.apiVersion = 'batch/v1';
    job.kind = 'Job';
    job.metadata = {
      ...job.metadata,
      name,
      namespace: this.options.namespace,
      labels: { ...job.metadata?.labels, [RUN_ID_LABEL]: labelValue(task.runId) },
    };
    delete job.metadata.generateName;
    const spec = job.spec;
    if (!spec?.template.spec?.containers?.length) throw new TrainingRunError('training Job template has no container');
    spec.template.metadata = {
      ...spec.template.metadata,
      labels: { ...spec.template.metadata?.labels, [RUN_ID_LABEL]: labelValue(task.runId) },
    };
    spec.backoffLimit ??= 0;
    spec.activeDeadlineSeconds ??= Math.ceil(this.options.timeoutMs / 1000);
    const container: V1Container = spec.template.spec.containers[0];
    container.command = ['node'];
    container.args = this.cliArgs(container.args, task);
    return job;
  }

  async run(task: RetrainTask, hooks: RunHooks): Promise<RunnerOutcome> {
    const { namespace } = this.options;
    const body = this.jobFor(task);
    const name = body.metadata!.name!;
    const started = Date.now();
    try {
      await this.batch.createNamespacedJob({ namespace, body });
    } catch (error) {
      throw new TrainingRunError(
        `could not create training Job ${namespace}/${name}: ${kubernetesErrorMessage(error)}`,
        { cause: error },
      );
    }
    this.logger.log(`training Job ${namespace}/${name} created for run ${task.runId}`);
    hooks.onProgress(0.05, `job ${name} created`);
    try {
      for (;;) {
        await sleep(this.options.pollMs, hooks.signal);
        let job: V1Job;
        try {
          job = await this.batch.readNamespacedJobStatus({ name, namespace });
        } catch (error) {
          if (kubernetesStatusCode(error) === 404)
            throw new TrainingRunError(`training Job ${namespace}/${name} disappeared`);
          this.logger.warn(`reading Job ${namespace}/${name} failed, will retry: ${kubernetesErrorMessage(error)}`);
          continue;
        }
        const outcome = jobOutcome(job);
        if (outcome.state === 'succeeded') {
          hooks.onProgress(1, `job ${name} succeeded`);
          return { kind: 'published-by-job', jobName: name, namespace, durationMs: Date.now() - started };
        }
        if (outcome.state === 'failed')
          throw new TrainingRunError(`training Job ${namespace}/${name} failed: ${outcome.reason}`);
        hooks.onProgress(outcome.state === 'running' ? 0.5 : 0.1, `job ${name} ${outcome.state}`);
      }
    } catch (error) {
      if (hooks.signal.aborted) await this.deleteJob(name);
      throw error;
    }
  }

  private cliArgs(templateArgs: readonly string[] | undefined, task: RetrainTask): string[] {
    const base = templateArgs?.length ? [...templateArgs] : [TRAINING_CLI, '--register', '--promote'];
    if (!base.includes(TRAINING_CLI)) base.unshift(TRAINING_CLI);
    for (const flag of ['--register', '--promote']) if (!base.includes(flag)) base.push(flag);
    // The Job reads the feedback itself from the same database (DATABASE_URL from the same Secret / Vault).
    base.push(
      '--run-id',
      task.runId,
      '--feedback-from-database',
      '--feedback-weight',
      String(this.options.feedbackWeight),
      '--feedback-holdout-fraction',
      String(this.options.feedbackHoldoutFraction),
      ...(task.feedbackCutoff ? ['--feedback-until', task.feedbackCutoff] : []),
    );
    return base;
  }

  private defaultJob(): V1Job {
    const { image, cpu, memory, serviceAccount } = this.options;
    if (!image) throw new TrainingRunError('TRAINING_MODE=job needs TRAINING_JOB_TEMPLATE_FILE or TRAINING_JOB_IMAGE');
    const quantities = { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        generateName: 'spam-classifier-train-',
        labels: { 'app.kubernetes.io/name': 'spam-classifier', 'app.kubernetes.io/component': 'training' },
      },
      spec: {
        backoffLimit: 0,
        ttlSecondsAfterFinished: 86_400,
        template: {
          metadata: {
            labels: { 'app.kubernetes.io/name': 'spam-classifier', 'app.kubernetes.io/component': 'training' },
          },
          spec: {
            restartPolicy: 'Never',
            ...(serviceAccount ? { serviceAccountName: serviceAccount } : {}),
            containers: [{ name: 'train', image, resources: { requests: quantities, limits: quantities } }],
          },
        },
      },
    };
  }

  private async deleteJob(name: string): Promise<void> {
    const { namespace } = this.options;
    try {
      await this.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' });
      this.logger.warn(`training Job ${namespace}/${name} deleted`);
    } catch (error) {
      this.logger.warn(`deleting training Job ${namespace}/${name} failed: ${kubernetesErrorMessage(error)}`);
    }
  }
}

/** Reads a Job's state from its status as the Job controller writes it (conditions first, then counters). */
export function jobOutcome(job: V1Job): { state: 'pending' | 'running' | 'succeeded' | 'failed'; reason?: string } {
  const status = job.status ?? {};
  const condition = (type: string) => status.conditions?.find((c) => c.type === type && c.status === 'True');
  const failed = condition('Failed');
  if (failed)
    return { state: 'failed', reason: [failed.reason, failed.message].filter(Boolean).join(': ') || 'Failed' };
  if (condition('Complete') || (status.succeeded ?? 0) > 0) return { state: 'succeeded' };
  const backoffLimit = job.spec?.backoffLimit ?? 6;
  if ((status.failed ?? 0) > backoffLimit)
    return { state: 'failed', reason: `${status.failed} pod(s) failed (backoffLimit ${backoffLimit})` };
  return { state: (status.active ?? 0) > 0 ? 'running' : 'pending' };
}

/** `yaml` (72 modules, ~3.5 MB and ~60 ms per process) is loaded only when a Job template is read. */
function parseYaml(text: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  return (require('yaml') as typeof import('yaml')).parse(text);
}

function loadTemplate(path: string): V1Job {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TrainingRunError(`TRAINING_JOB_TEMPLATE_FILE=${path} could not be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const job = parsed as V1Job | null;
  if (job?.kind !== 'Job' || !job.spec?.template)
    throw new TrainingRunError(`TRAINING_JOB_TEMPLATE_FILE=${path} is not a batch/v1 Job`);
  return job;
}

/** A DNS-1123 name from the template's prefix and the run id (≤ 63 characters), stable so it can be found again. */
function jobName(prefix: string, runId: string): string {
  const suffix = labelValue(runId)
    .toLowerCase()
    .replace(/[^a-z0-9-]/gu, '-');
  return `${prefix}${suffix}`.slice(0, 63).replace(/-+$/u, '');
}

function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]/gu, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/gu, '');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted)
      return reject(new TrainingRunError(`training Job stopped: ${String(signal.reason?.message ?? signal.reason)}`));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new TrainingRunError(`training Job stopped: ${String(signal.reason?.message ?? signal.reason)}`));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

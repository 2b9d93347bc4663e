import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { validateCronExpression } from 'cron';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { defineModuleConfig } from '../../config/module-config';
import { projectRoot } from '../../config/project-root';
import type { EnvironmentProblem } from '../../config/read-environment';

/** Words that switch the retraining schedule off, besides an empty RETRAIN_CRON. */
const CRON_OFF = new Set(['off', 'disabled', 'none', 'false']);

function IsCronExpression(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCronExpression',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          (CRON_OFF.has(value.trim().toLowerCase()) || validateCronExpression(value).valid),
        defaultMessage: (args) => {
          const check = typeof args?.value === 'string' ? validateCronExpression(args.value) : undefined;
          const why = check?.error ? ` (${check.error.message})` : '';
          return `${args?.property} must be a cron expression such as "0 3 * * *" (minute hour day month weekday, optional seconds first), or empty to disable${why}`;
        },
      },
    });
}

const toBoolean = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? /^(true|1|yes|on)$/iu.test(value)
      ? true
      : /^(false|0|no|off)$/iu.test(value)
        ? false
        : value
    : value;

const K8S_QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/u;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/u;

/** Scheduled retraining, its runners (worker thread or Kubernetes Job) and leader election through a Lease. */
export class RetrainingEnvironment {
  /** Sample weight of a feedback row relative to a corpus row (1 = same). */
  @Type(() => Number)
  @IsNumber()
  @Min(0.01)
  @Max(1000)
  FEEDBACK_WEIGHT = 2;

  /** Share of the feedback held out (by content hash, so stable across runs) to evaluate on, never trained on. */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(0.9)
  FEEDBACK_HOLDOUT_FRACTION = 0.2;

  /** Retraining schedule (cron, server time zone); empty or "off" disables it. Default daily at 03:00. */
  @IsCronExpression()
  RETRAIN_CRON = '0 3 * * *';

  /** New labels needed since the last succeeded run before a (non-forced) retrain runs. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  RETRAIN_MIN_NEW_FEEDBACK = 50;

  /** Base corpora of a retrain: sms, email, all, or the path of a labelled file (CSV/JSONL/TSV). */
  @IsString()
  RETRAIN_DATA = 'all';

  /** The retrain's model: a fixed algorithm, or best (chosen by cross-validation on the training rows; slower). */
  @IsIn(['naive_bayes', 'svm', 'logistic_regression', 'random_forest', 'best'])
  RETRAIN_ALGORITHM = 'logistic_regression';

  /** Cross-validation folds for the logged CV figures of a retrain (0 = none, faster). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(20)
  RETRAIN_CV_FOLDS = 5;

  /** in-process (a worker thread of the leader; `worker` is the same) or job (a Kubernetes Job per run). */
  @IsIn(['in-process', 'worker', 'job'])
  TRAINING_MODE: 'in-process' | 'worker' | 'job' = 'in-process';

  /** Where runs write their artifact and reports. */
  @IsString()
  TRAINING_OUT_DIR: string = resolve(projectRoot(), 'var', 'retrain');

  /** A run that has not finished after this long is stopped and reported failed. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  TRAINING_TIMEOUT_MS = 3_600_000;

  /** Elect one trainer through a Kubernetes Lease when running in a cluster (KUBERNETES_SERVICE_HOST set). */
  @Transform(toBoolean)
  @IsBoolean()
  LEADER_ELECTION = true;

  @IsString()
  @Matches(DNS_LABEL, { message: 'LEASE_NAME must be a DNS label (lower case letters, digits and "-")' })
  LEASE_NAME = 'spam-classifier-trainer';

  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(3600)
  LEASE_DURATION_SECONDS = 15;

  /** The leader steps down when it could not renew for this long (must be below the lease duration). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  LEASE_RENEW_DEADLINE_SECONDS = 10;

  /** How often the leader renews and a follower tries to acquire. */
  @Type(() => Number)
  @IsNumber()
  @Min(0.05)
  @Max(600)
  LEASE_RETRY_SECONDS = 2;

  /** Namespace of the Lease and of training Jobs; default: POD_NAMESPACE, then the service account's namespace. */
  @IsOptional()
  @Matches(DNS_LABEL, { message: 'TRAINING_NAMESPACE must be a DNS label' })
  TRAINING_NAMESPACE?: string;

  /** This replica's identity in the Lease; default POD_NAME, then the host name. */
  @IsOptional()
  @IsString()
  POD_NAME?: string;

  @IsOptional()
  @IsString()
  POD_NAMESPACE?: string;

  /** TRAINING_MODE=job: a batch/v1 Job manifest (YAML or JSON) to start from, as the Helm chart renders it. */
  @IsOptional()
  @IsString()
  TRAINING_JOB_TEMPLATE_FILE?: string;

  /** TRAINING_MODE=job without a template: the image (the service's own). */
  @IsOptional()
  @IsString()
  TRAINING_JOB_IMAGE?: string;

  @IsOptional()
  @Matches(K8S_QUANTITY, { message: 'TRAINING_JOB_CPU must be a Kubernetes quantity such as 500m or 2' })
  TRAINING_JOB_CPU?: string;

  @IsOptional()
  @Matches(K8S_QUANTITY, { message: 'TRAINING_JOB_MEMORY must be a Kubernetes quantity such as 512Mi or 2Gi' })
  TRAINING_JOB_MEMORY?: string;

  @IsOptional()
  @IsString()
  TRAINING_JOB_SERVICE_ACCOUNT?: string;

  /** How often the leader reads the Job's status. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  TRAINING_JOB_POLL_MS = 5000;

  @IsOptional()
  @IsString()
  KUBERNETES_SERVICE_HOST?: string;
}

export interface RetrainingConfig {
  feedbackWeight: number;
  feedbackHoldoutFraction: number;
  /** undefined = the schedule is off. */
  retrainCron: string | undefined;
  retrainMinNewFeedback: number;
  retrainData: string;
  retrainAlgorithm: string;
  retrainCvFolds: number;
  mode: 'worker' | 'job';
  outDir: string;
  timeoutMs: number;
  leaderElection: {
    /** False outside Kubernetes or with LEADER_ELECTION=false: this instance leads alone. */
    enabled: boolean;
    leaseName: string;
    namespace: string;
    identity: string;
    leaseDurationSeconds: number;
    renewDeadlineSeconds: number;
    retrySeconds: number;
  };
  job: {
    namespace: string;
    templateFile: string | undefined;
    image: string | undefined;
    cpu: string | undefined;
    memory: string | undefined;
    serviceAccount: string | undefined;
    pollMs: number;
  };
}

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function defaultNamespace(e: RetrainingEnvironment): string {
  if (e.TRAINING_NAMESPACE) return e.TRAINING_NAMESPACE;
  if (e.POD_NAMESPACE) return e.POD_NAMESPACE;
  if (existsSync(SERVICE_ACCOUNT_NAMESPACE)) return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim();
  return 'default';
}

/** The leader must give up before another replica may take the lease over. */
function leaseProblems(e: RetrainingEnvironment): EnvironmentProblem[] {
  const renew = e.LEASE_RENEW_DEADLINE_SECONDS;
  const duration = e.LEASE_DURATION_SECONDS;
  if (typeof renew !== 'number' || typeof duration !== 'number' || renew < duration) return [];
  return [{ key: 'LEASE_RENEW_DEADLINE_SECONDS', reason: `must be below LEASE_DURATION_SECONDS=${duration}` }];
}

export const retrainingConfig = defineModuleConfig({
  namespace: 'retraining',
  environment: RetrainingEnvironment,
  check: leaseProblems,
  toConfig: (e, env): RetrainingConfig => {
    const cronOff = env.RETRAIN_CRON === '' || CRON_OFF.has(e.RETRAIN_CRON.trim().toLowerCase());
    const namespace = defaultNamespace(e);
    return {
      feedbackWeight: e.FEEDBACK_WEIGHT,
      feedbackHoldoutFraction: e.FEEDBACK_HOLDOUT_FRACTION,
      retrainCron: cronOff ? undefined : e.RETRAIN_CRON.trim(),
      retrainMinNewFeedback: e.RETRAIN_MIN_NEW_FEEDBACK,
      retrainData: e.RETRAIN_DATA,
      retrainAlgorithm: e.RETRAIN_ALGORITHM,
      retrainCvFolds: e.RETRAIN_CV_FOLDS,
      mode: e.TRAINING_MODE === 'job' ? 'job' : 'worker',
      outDir: resolve(e.TRAINING_OUT_DIR),
      timeoutMs: e.TRAINING_TIMEOUT_MS,
      leaderElection: {
        enabled: e.LEADER_ELECTION && Boolean(e.KUBERNETES_SERVICE_HOST),
        leaseName: e.LEASE_NAME,
        namespace,
        identity: e.POD_NAME ?? hostname(),
        leaseDurationSeconds: e.LEASE_DURATION_SECONDS,
        renewDeadlineSeconds: e.LEASE_RENEW_DEADLINE_SECONDS,
        retrySeconds: e.LEASE_RETRY_SECONDS,
      },
      job: {
        namespace,
        templateFile: e.TRAINING_JOB_TEMPLATE_FILE,
        image: e.TRAINING_JOB_IMAGE,
        cpu: e.TRAINING_JOB_CPU,
        memory: e.TRAINING_JOB_MEMORY,
        serviceAccount: e.TRAINING_JOB_SERVICE_ACCOUNT,
        pollMs: e.TRAINING_JOB_POLL_MS,
      },
    };
  },
});

/** This module's environment validated alone (tests, tools); the service validates every module at once. */
export function retrainingConfigFrom(env: Record<string, unknown>): RetrainingConfig {
  return retrainingConfig.from(env);
}

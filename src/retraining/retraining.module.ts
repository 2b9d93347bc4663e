import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import type { KubeConfig } from '@kubernetes/client-node';
import { AuthModule } from '../auth/auth.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { MlflowModule } from '../mlflow/mlflow.module';
import { retrainingConfig, type RetrainingConfig } from './config/retraining.config';
import { inClusterKubeConfig, kubernetesClients } from './kubernetes-client';
import { KubernetesJobTrainingRunner } from './kubernetes-job.runner';
import { Leadership, LeaseLeaderElector, SingleInstanceLeadership } from './lease-leader-election';
import { RetrainPublisher } from './retrain-publisher';
import { RetrainingService } from './retraining.service';
import { TrainingRunner } from './training-runner';
import { TrainingRunsController } from './training-runs.controller';
import { DEFAULT_TASK_MODULE, WorkerThreadTrainingRunner } from './worker-thread.runner';

export interface RetrainingModuleOptions {
  /** The Kubernetes API to use for the Lease and Jobs; default: in-cluster (`KubeConfig.loadFromCluster()`). */
  readonly kubeConfig?: () => KubeConfig;
  /** The module a training worker runs (`runRetrainTask`); default the real retraining task. */
  readonly taskModule?: string;
  /**
   * The MlflowModule instance the application already imports (`const mlflow = MlflowModule.forRoot()`), so both
   * modules share one TrackingStore and one ChampionFollower; default: this module imports its own.
   */
  readonly mlflowModule?: DynamicModule;
}

const KUBE_CONFIG = Symbol('KUBE_CONFIG');

/**
 * Scheduled retraining on the elected leader (a Kubernetes Lease, or this instance alone outside a cluster), run in
 * a worker thread or a Kubernetes Job, published through the registry; the training runs API. Needs the global
 * SecretsService, ModelHolder/ArtifactCodec (ClassifierCoreModule), ThrottlerModule; imports FeedbackModule for the
 * labels and the run history, MlflowModule for the tracking store and ScheduleModule for the cron.
 */
@Module({})
export class RetrainingModule {
  static forRoot(options: RetrainingModuleOptions = {}): DynamicModule {
    return {
      module: RetrainingModule,
      imports: [
        ScheduleModule.forRoot(),
        AuthModule,
        FeedbackModule,
        options.mlflowModule ?? MlflowModule.forRoot(),
      ],
      controllers: [TrainingRunsController],
      providers: [
        { provide: KUBE_CONFIG, useValue: options.kubeConfig ?? inClusterKubeConfig },
        {
          provide: Leadership,
          inject: [retrainingConfig.KEY, KUBE_CONFIG],
          useFactory: (config: RetrainingConfig, kubeConfig: () => KubeConfig): Leadership => {
            const election = config.leaderElection;
            if (!election.enabled) return new SingleInstanceLeadership(election.identity);
            return new LeaseLeaderElector(kubernetesClients(kubeConfig()).coordination, {
              leaseName: election.leaseName,
              namespace: election.namespace,
              identity: election.identity,
              leaseDurationSeconds: election.leaseDurationSeconds,
              renewDeadlineSeconds: election.renewDeadlineSeconds,
              retrySeconds: election.retrySeconds,
              logger: new Logger(LeaseLeaderElector.name),
            });
          },
        },
        {
          provide: TrainingRunner,
          inject: [retrainingConfig.KEY, KUBE_CONFIG],
          useFactory: (config: RetrainingConfig, kubeConfig: () => KubeConfig): TrainingRunner =>
            config.mode === 'job'
              ? new KubernetesJobTrainingRunner(kubernetesClients(kubeConfig()).batch, {
                  ...config.job,
                  timeoutMs: config.timeoutMs,
                  feedbackWeight: config.feedbackWeight,
                  feedbackHoldoutFraction: config.feedbackHoldoutFraction,
                })
              : new WorkerThreadTrainingRunner(options.taskModule ?? DEFAULT_TASK_MODULE),
        },
        RetrainPublisher,
        RetrainingService,
      ],
      exports: [RetrainingService, Leadership],
    };
  }
}

import {
  Inject,
  Logger,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import type { KubeConfig } from '@kubernetes/client-node';
import { AuthModule } from '../auth/auth.module';
import { ReadinessRegistry } from '../health/readiness.registry';
import { mlflowConfig } from '../mlflow/config/mlflow.config';
import { MlflowModule } from '../mlflow/mlflow.module';
import { SecretsService } from '../config/secrets.service';
import { trainingConfig, type TrainingConfig } from './config/training.config';
import { FeedbackController } from '../feedback/feedback.controller';
import { FeedbackService } from '../feedback/feedback.service';
import { FeedbackStore } from '../feedback/feedback.store';
import {
  createFeedbackStore,
  describeFeedbackStore,
  type FeedbackStoreSelection,
} from '../feedback/feedback-store.factory';
import { inClusterKubeConfig, kubernetesClients } from '../retraining/kubernetes-client';
import { KubernetesJobTrainingRunner } from '../retraining/kubernetes-job.runner';
import { Leadership, LeaseLeaderElector, SingleInstanceLeadership } from '../retraining/lease-leader-election';
import { ModelPublisher } from '../retraining/model-publisher';
import { RetrainingService } from '../retraining/retraining.service';
import { TrainingRunner } from '../retraining/training-runner';
import { TrainingRunsController } from '../retraining/training-runs.controller';
import { DEFAULT_TASK_MODULE, WorkerThreadTrainingRunner } from '../retraining/worker-thread.runner';

export interface TrainingModuleOptions {
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
const FEEDBACK_STORE_SELECTION = Symbol('FEEDBACK_STORE_SELECTION');

/**
 * Feedback API and store, scheduled retraining on the elected leader, training runs API. Needs the global
 * SecretsService, ModelHolder/ArtifactCodec (ClassifierCoreModule), ThrottlerModule; imports MlflowModule for the
 * tracking store and ScheduleModule for the cron.
 */
@Module({})
export class TrainingModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TrainingModule.name);
  private unregister: (() => void) | undefined;

  constructor(
    private readonly store: FeedbackStore,
    @Inject(trainingConfig.KEY) private readonly config: TrainingConfig,
    private readonly leadership: Leadership,
    @Inject(FEEDBACK_STORE_SELECTION) private readonly selection: FeedbackStoreSelection,
    @Optional() private readonly readiness?: ReadinessRegistry,
  ) {}

  static forRoot(options: TrainingModuleOptions = {}): DynamicModule {
    return {
      module: TrainingModule,
      imports: [
        ConfigModule.forFeature(trainingConfig),
        ConfigModule.forFeature(mlflowConfig),
        ScheduleModule.forRoot(),
        AuthModule,
        options.mlflowModule ?? MlflowModule.forRoot(),
      ],
      controllers: [FeedbackController, TrainingRunsController],
      providers: [
        {
          provide: FEEDBACK_STORE_SELECTION,
          inject: [trainingConfig.KEY, SecretsService],
          useFactory: async (config: TrainingConfig, secrets: SecretsService): Promise<FeedbackStoreSelection> => {
            const selection = createFeedbackStore(config, secrets);
            await selection.store.open();
            return selection;
          },
        },
        {
          provide: FeedbackStore,
          inject: [FEEDBACK_STORE_SELECTION],
          useFactory: (selection: FeedbackStoreSelection): FeedbackStore => selection.store,
        },
        { provide: KUBE_CONFIG, useValue: options.kubeConfig ?? inClusterKubeConfig },
        {
          provide: Leadership,
          inject: [trainingConfig.KEY, KUBE_CONFIG],
          useFactory: (config: TrainingConfig, kubeConfig: () => KubeConfig): Leadership => {
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
          inject: [trainingConfig.KEY, KUBE_CONFIG],
          useFactory: (config: TrainingConfig, kubeConfig: () => KubeConfig): TrainingRunner =>
            config.mode === 'job'
              ? new KubernetesJobTrainingRunner(kubernetesClients(kubeConfig()).batch, {
                  ...config.job,
                  timeoutMs: config.timeoutMs,
                  feedbackWeight: config.feedbackWeight,
                  feedbackHoldoutFraction: config.feedbackHoldoutFraction,
                })
              : new WorkerThreadTrainingRunner(options.taskModule ?? DEFAULT_TASK_MODULE),
        },
        FeedbackService,
        ModelPublisher,
        RetrainingService,
      ],
      exports: [FeedbackStore, FeedbackService, RetrainingService, Leadership],
    };
  }

  onModuleInit(): void {
    const kind = this.selection.kind;
    this.unregister = this.readiness?.register({
      name: 'feedback-db',
      required: false,
      check: async () => {
        try {
          await this.store.countNewSinceLastRun();
          return { up: true, details: { store: kind } };
        } catch (error) {
          const details = { store: kind, error: (error as Error).message };
          if (kind !== 'embedded') return { up: false, details };
          return { up: false, details: { ...details, hint: 'the embedded database process is not answering' } };
        }
      },
    });
    this.logger.log(`feedback store: ${describeFeedbackStore(kind, this.config)}`);
  }

  /** After RetrainingService's beforeApplicationShutdown stopped the run and released the lease. */
  async onApplicationShutdown(): Promise<void> {
    this.unregister?.();
    await this.store.close();
  }
}
